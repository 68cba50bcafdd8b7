// Runs the admission chain for one write: every plugin's admit() (mutating) in order, then every
// plugin's validate(). The first refusal wins and nothing is written.
import type { KubeObject } from '../../api/resource.js';
import type { RequestContext } from '../context.js';
import { SUPERUSER, type AdmissionOperation } from './types.js';

export async function runAdmission(
  rc: RequestContext, operation: AdmissionOperation, name: string, obj: KubeObject | undefined, old: KubeObject | undefined, dryRun: boolean,
): Promise<void> {
  // The audit event names the object a create made, as Kubernetes' LogRequestObject does (the
  // request's attributes, shared with the audit record, had no name until the body was read).
  if (rc.attrs && !rc.attrs.name && name) rc.attrs.name = name;
  const plugins = rc.ctx.security?.admission;
  if (!plugins?.length) return;
  const a = {
    operation, user: rc.user ?? SUPERUSER, resource: rc.r, subresource: rc.subresource ?? '',
    namespace: rc.namespace ?? obj?.metadata?.namespace ?? '', name, obj, old, dryRun, ctx: rc.ctx,
    warnings: rc.warnings, auditAnnotations: (rc.auditAnnotations ??= {}),
  };
  for (const p of plugins) if (p.admit) await p.admit(a);
  for (const p of plugins) if (p.validate) await p.validate(a);
}

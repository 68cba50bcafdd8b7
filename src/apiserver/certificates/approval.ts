// certificatesigningrequests/approval: the subresource `kubectl certificate approve|deny` writes.
// Only status.conditions change through it (the signer writes status.certificate through /status).
import type { ResourceHooks } from '../hooks.js';
import type { RequestContext } from '../context.js';
import { errors } from '../../machinery/errors.js';
import { decodeBody, respond } from '../rest/handlers.js';
import { updateObject } from '../rest/writes.js';

async function approval(rc: RequestContext, method: string): Promise<void> {
  if (method === 'GET') {
    const got = await updateObject(rc, { name: rc.name!, subresource: 'status', mutate: (cur) => cur }, { dryRun: true, fieldManager: 'k8ts' });
    respond(rc, 200, got.obj);
    return;
  }
  if (method !== 'PUT') throw errors.methodNotAllowed();
  const desired = await decodeBody(rc);
  const conditions = (desired.status as { conditions?: unknown[] } | undefined)?.conditions ?? [];
  const dryRun = rc.query.getAll('dryRun').includes('All');
  const res = await updateObject(rc, {
    name: rc.name!,
    subresource: 'status',
    mutate: (cur) => {
      const next = { ...cur, status: { ...((cur.status as object) ?? {}), conditions } };
      if (desired.metadata?.resourceVersion) next.metadata = { ...cur.metadata, resourceVersion: desired.metadata.resourceVersion };
      return next;
    },
  }, { dryRun, fieldManager: rc.query.get('fieldManager') ?? 'kubectl-certificate' });
  respond(rc, 200, res.obj);
}

export function csrHooks(): ResourceHooks {
  return { subresources: { approval } };
}

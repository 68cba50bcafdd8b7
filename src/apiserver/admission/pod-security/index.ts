// The PodSecurity admission plugin: the namespace's pod-security.kubernetes.io/<mode> labels pick a
// level (privileged, baseline, restricted) and version for each mode. enforce refuses the pod with
// Kubernetes' text; warn adds "would violate PodSecurity" warnings to the response; audit adds
// the same to the audit annotations the server may carry (pod-security.kubernetes.io/audit-violations).
import type { KubeObject } from '../../../api/resource.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../../auth/types.js';
import { forbidden, getNamespace, podOf } from '../common.js';
import { evaluatePod, formatViolations, type Level, type PodMetaView, type PodSpecView } from './checks.js';

export { evaluatePod, formatViolations, checksFor, type Level, type Violation } from './checks.js';

const LABEL = 'pod-security.kubernetes.io/';
const LEVELS: Level[] = ['privileged', 'baseline', 'restricted'];
type Mode = 'enforce' | 'audit' | 'warn';

export interface PodSecurityOptions {
  /** Levels for namespaces without labels (Kubernetes' PodSecurityConfiguration defaults: all privileged). */
  defaults?: Partial<Record<Mode, Level>> & Partial<Record<`${Mode}-version`, string>>;
  exemptions?: { usernames?: string[]; namespaces?: string[]; runtimeClasses?: string[] };
}

interface Policy { level: Level; version: string }

function policyFor(labels: Record<string, string>, mode: Mode, o: PodSecurityOptions): Policy {
  const raw = labels[`${LABEL}${mode}`] ?? o.defaults?.[mode] ?? 'privileged';
  const level = (LEVELS as string[]).includes(raw) ? (raw as Level) : 'restricted'; // an invalid level is the strictest
  const version = labels[`${LABEL}${mode}-version`] ?? o.defaults?.[`${mode}-version`] ?? 'latest';
  return { level, version };
}

function specChanged(a: AdmissionAttributes): boolean {
  return a.operation === 'CREATE' || JSON.stringify(a.obj?.spec) !== JSON.stringify(a.old?.spec);
}

export function podSecurity(o: PodSecurityOptions = {}): AdmissionPlugin {
  return {
    name: 'PodSecurity',
    async validate(a) {
      const pod = podOf(a);
      if (!pod || (a.operation !== 'CREATE' && a.operation !== 'UPDATE') || !specChanged(a)) return;
      const ex = o.exemptions;
      // The audit event says why a pod was not judged, or by which enforce level it was.
      const exempt = (dimension: string) => { if (a.auditAnnotations) a.auditAnnotations[`${LABEL}exempt`] = dimension; };
      if (ex?.namespaces?.includes(a.namespace)) return exempt('namespace');
      if (ex?.usernames?.includes(a.user.username)) return exempt('user');
      const rc = (pod.spec as { runtimeClassName?: string } | undefined)?.runtimeClassName;
      if (rc && ex?.runtimeClasses?.includes(rc)) return exempt('runtimeClass');
      const ns = await getNamespace(a.ctx, a.namespace);
      const labels = (ns?.metadata.labels ?? {}) as Record<string, string>;
      const meta = pod.metadata as PodMetaView;
      const spec = (pod.spec ?? {}) as PodSpecView;
      const judged = new Map<string, string>();
      const judge = (p: Policy) => {
        const key = `${p.level}:${p.version}`;
        if (!judged.has(key)) judged.set(key, formatViolations(evaluatePod(p.level, meta, spec)));
        return judged.get(key)!;
      };
      const enforce = policyFor(labels, 'enforce', o);
      if (a.auditAnnotations) a.auditAnnotations[`${LABEL}enforce-policy`] = `${enforce.level}:${enforce.version}`;
      const failed = judge(enforce);
      if (failed) throw forbidden(a, `violates PodSecurity "${enforce.level}:${enforce.version}": ${failed}`);
      const warn = policyFor(labels, 'warn', o);
      const warned = judge(warn);
      if (warned && a.warnings) a.warnings.push(`would violate PodSecurity "${warn.level}:${warn.version}": ${warned}`);
      const audit = policyFor(labels, 'audit', o);
      const audited = judge(audit);
      if (audited && a.auditAnnotations) a.auditAnnotations[`${LABEL}audit-violations`] = `would violate PodSecurity "${audit.level}:${audit.version}": ${audited}`;
    },
  };
}

/** A pod's violations of a level, for tools (kubectl-like dry runs, tests). */
export function podViolations(level: Level, pod: KubeObject): string {
  return formatViolations(evaluatePod(level, pod.metadata as PodMetaView, (pod.spec ?? {}) as PodSpecView));
}

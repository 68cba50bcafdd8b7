// The admission chain kube-apiserver enables by default, in its order, with the plugins others
// provide (ServiceAccount, NodeRestriction) slotted where Kubernetes runs them. ResourceQuota is
// last so nothing after it can refuse a write it has already charged to a quota.
import type { AdmissionPlugin } from '../auth/types.js';
import { limitRanger } from './limit-ranger.js';
import { resourceQuota } from './resource-quota.js';
import { podSecurity, type PodSecurityOptions } from './pod-security/index.js';

export { limitRanger, applyContainerDefaults, limitViolations, LIMIT_RANGER_ANNOTATION } from './limit-ranger.js';
export { resourceQuota, countUsage } from './resource-quota.js';
export { podSecurity, podViolations, evaluatePod, formatViolations, type PodSecurityOptions, type Level } from './pod-security/index.js';

export interface DefaultAdmissionOptions {
  /** The ServiceAccount plugin (runs after LimitRanger). */
  serviceAccount?: AdmissionPlugin;
  /** The NodeRestriction plugin (runs after ServiceAccount). */
  nodeRestriction?: AdmissionPlugin;
  podSecurity?: PodSecurityOptions;
  /** Plugins placed just before ResourceQuota (webhooks, policies). */
  extra?: AdmissionPlugin[];
  /** Names of plugins to leave out (kube-apiserver's --disable-admission-plugins). */
  disable?: string[];
}

/** LimitRanger, ServiceAccount, NodeRestriction, PodSecurity, ...extra, ResourceQuota. */
export function defaultAdmission(o: DefaultAdmissionOptions = {}): AdmissionPlugin[] {
  const chain: (AdmissionPlugin | undefined)[] = [
    limitRanger(), o.serviceAccount, o.nodeRestriction, podSecurity(o.podSecurity), ...(o.extra ?? []), resourceQuota(),
  ];
  const off = new Set(o.disable ?? []);
  return chain.filter((p): p is AdmissionPlugin => !!p && !off.has(p.name));
}

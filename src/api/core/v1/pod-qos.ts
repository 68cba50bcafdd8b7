// The pod's quality-of-service class (pkg/apis/core/helper/qos GetPodQOS): only cpu and memory
// count; Guaranteed needs both limited in every container with requests equal to limits.
import type { PodSpec } from './pod-spec.js';
import { parseQuantityValue, Quantity } from './quantity-value.js';

const QOS_RESOURCES = ['cpu', 'memory'];

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export function podQOSClass(spec: PodSpec | undefined): QOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    for (const [name, q] of Object.entries(c.resources?.requests ?? {})) {
      const v = parseQuantityValue(q);
      if (QOS_RESOURCES.includes(name) && v && v.sign() > 0) requests.set(name, requests.get(name)?.add(v) ?? v);
    }
    const found = new Set<string>();
    for (const [name, q] of Object.entries(c.resources?.limits ?? {})) {
      const v = parseQuantityValue(q);
      if (QOS_RESOURCES.includes(name) && v && v.sign() > 0) {
        found.add(name);
        limits.set(name, limits.get(name)?.add(v) ?? v);
      }
    }
    if (!QOS_RESOURCES.every((r) => found.has(r))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, v] of requests) if (!limits.get(name)?.equals(v)) guaranteed = false;
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

// The downward API: pod fields (fieldRef) and container resources (resourceFieldRef) as values,
// shared by env vars and downwardAPI volumes.
import type { Pod } from '../../api/core/v1/pod.js';
import { Quantity } from '../../machinery/quantity.js';

export interface PodAddresses { podIP?: string; podIPs?: string[]; hostIP?: string; hostIPs?: string[] }

export class FieldRefError extends Error {}

/** Formats a map as downwardAPI volumes do: `key="value"` lines, sorted, with Go's %q escaping. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify(m![k])}`).join('\n');
}

export function podFieldValue(pod: Pod, fieldPath: string, addrs: PodAddresses, forVolume = false): string {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]] ?? '';
  switch (fieldPath) {
    case 'metadata.name': return pod.metadata.name ?? '';
    case 'metadata.namespace': return pod.metadata.namespace ?? '';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'metadata.labels': if (forVolume) return formatMap(pod.metadata.labels); break;
    case 'metadata.annotations': if (forVolume) return formatMap(pod.metadata.annotations); break;
    case 'spec.nodeName': return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP': return addrs.hostIP ?? '';
    case 'status.hostIPs': return (addrs.hostIPs ?? (addrs.hostIP ? [addrs.hostIP] : [])).join(',');
    case 'status.podIP': return addrs.podIP ?? '';
    case 'status.podIPs': return (addrs.podIPs ?? (addrs.podIP ? [addrs.podIP] : [])).join(',');
  }
  throw new FieldRefError(`unsupported fieldPath: ${fieldPath}`);
}

function parseQ(v: unknown): Quantity | null {
  if (v === undefined || v === null || v === '') return null;
  return Quantity.parse(String(v));
}

/**
 * limits.cpu, requests.memory, ...: the container's value divided by divisor, rounded up. A limit
 * not set reads as the node's allocatable, as the kubelet does.
 */
export function resourceFieldValue(pod: Pod, containerName: string, resource: string, divisor: unknown, allocatable: Record<string, string>): string {
  const c = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === containerName);
  if (!c) throw new FieldRefError(`container ${containerName} not found in pod`);
  const [kind, name] = resource.split('.', 2) as [string, string];
  if ((kind !== 'limits' && kind !== 'requests') || !['cpu', 'memory', 'ephemeral-storage'].includes(name)) {
    throw new FieldRefError(`unsupported container resource: ${resource}`);
  }
  const set = (kind === 'limits' ? c.resources?.limits : c.resources?.requests) as Record<string, unknown> | undefined;
  let q = parseQ(set?.[name]);
  if (!q && kind === 'limits') q = parseQ(allocatable[name]);
  if (!q) q = Quantity.fromValue(0);
  const d = parseQ(divisor) ?? Quantity.fromValue(1);
  if (d.nanos === 0n) throw new FieldRefError('divisor must not be zero');
  const n = q.nanos;
  const v = (n + d.nanos - 1n) / d.nanos;
  return String(n <= 0n ? 0n : v);
}

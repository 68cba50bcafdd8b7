// The files of configMap, secret, downwardAPI and projected volumes (items, defaultMode, optional),
// computed from the objects as the kubelet's volume plugins do; written by the atomic writer.
import type { Pod } from '../../api/core/v1/pod.js';
import type { ConfigMap } from '../../api/core/v1/configmaps.js';
import type { Secret } from '../../api/core/v1/secrets.js';
import { podFieldValue, resourceFieldValue, type PodAddresses } from '../pods/field-ref.js';
import type { FileProjection } from './atomic-writer.js';

export const DEFAULT_MODE = 0o644;

type Items = { key?: string; path?: string; mode?: number }[] | undefined;

function keyed(kind: 'configmap' | 'secret', name: string, data: Map<string, Buffer>, items: Items, mode: number, optional: boolean, out: Map<string, FileProjection>): void {
  if (!items?.length) {
    for (const [k, v] of data) out.set(k, { data: v, mode });
    return;
  }
  for (const it of items) {
    const v = data.get(it.key ?? '');
    if (!v) {
      if (optional) continue;
      throw new Error(kind === 'configmap' ? `configmap references non-existent config key: ${it.key}` : `references non-existent secret key: ${it.key}`);
    }
    out.set(it.path ?? it.key ?? '', { data: v, mode: it.mode ?? mode });
  }
}

function cmData(cm: ConfigMap): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const [k, v] of Object.entries((cm.data as Record<string, string>) ?? {})) m.set(k, Buffer.from(v));
  for (const [k, v] of Object.entries((cm.binaryData as Record<string, string>) ?? {})) m.set(k, Buffer.from(v, 'base64'));
  return m;
}

function secretData(s: Secret): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const [k, v] of Object.entries((s.data as Record<string, string>) ?? {})) m.set(k, Buffer.from(v, 'base64'));
  for (const [k, v] of Object.entries((s.stringData as Record<string, string>) ?? {})) m.set(k, Buffer.from(v));
  return m;
}

export function configMapFiles(name: string, cm: ConfigMap | null, items: Items, mode: number, optional: boolean, out = new Map<string, FileProjection>()): Map<string, FileProjection> {
  if (!cm) {
    if (optional) return out;
    throw new Error(`configmap "${name}" not found`);
  }
  keyed('configmap', name, cmData(cm), items, mode, optional, out);
  return out;
}

export function secretFiles(name: string, s: Secret | null, items: Items, mode: number, optional: boolean, out = new Map<string, FileProjection>()): Map<string, FileProjection> {
  if (!s) {
    if (optional) return out;
    throw new Error(`secret "${name}" not found`);
  }
  keyed('secret', name, secretData(s), items, mode, optional, out);
  return out;
}

export interface DownwardItem { path?: string; fieldRef?: { fieldPath?: string }; resourceFieldRef?: { containerName?: string; resource?: string; divisor?: unknown }; mode?: number }

export function downwardFiles(pod: Pod, items: DownwardItem[] | undefined, mode: number, addrs: PodAddresses, allocatable: Record<string, string>, out = new Map<string, FileProjection>()): Map<string, FileProjection> {
  for (const it of items ?? []) {
    let v: string;
    if (it.fieldRef) v = podFieldValue(pod, it.fieldRef.fieldPath ?? '', addrs, true);
    else if (it.resourceFieldRef) v = resourceFieldValue(pod, it.resourceFieldRef.containerName ?? '', it.resourceFieldRef.resource ?? '', it.resourceFieldRef.divisor, allocatable);
    else continue;
    out.set(it.path ?? '', { data: Buffer.from(v), mode: it.mode ?? mode });
  }
  return out;
}

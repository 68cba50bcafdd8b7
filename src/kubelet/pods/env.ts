// A container's environment as the kubelet builds it (makeEnvironmentVariables): service links
// first, then envFrom, then env in order, later names overriding earlier ones; env values expand
// $(VAR) against what is defined so far. A missing ConfigMap, Secret or key that is not optional is
// a CreateContainerConfigError with Kubernetes' message.
import type { Pod } from '../../api/core/v1/pod.js';
import type { Container } from '../../api/core/v1/container.js';
import type { ConfigMap } from '../../api/core/v1/configmaps.js';
import type { Secret } from '../../api/core/v1/secrets.js';
import type { Service } from '../../api/core/v1/services.js';
import { expand } from './expand.js';
import { podFieldValue, resourceFieldValue, type PodAddresses } from './field-ref.js';
import { serviceEnv } from './service-env.js';

export interface EnvSources {
  /** null when it does not exist. */
  configMap(namespace: string, name: string): Promise<ConfigMap | null>;
  secret(namespace: string, name: string): Promise<Secret | null>;
  /** Services whose variables the pod sees (its namespace's, plus "kubernetes" in default). */
  services(namespace: string): Promise<Service[]>;
}

export class EnvError extends Error {
  readonly reason = 'CreateContainerConfigError';
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function decodeSecret(s: Secret, key: string): string | undefined {
  const v = (s.data as Record<string, string> | undefined)?.[key];
  if (v !== undefined) return Buffer.from(v, 'base64').toString('utf8');
  return (s.stringData as Record<string, string> | undefined)?.[key];
}

export interface ResolvedEnv { env: { key: string; value: string }[]; lookup: (name: string) => string | undefined }

export async function resolveEnv(pod: Pod, c: Container, src: EnvSources, addrs: PodAddresses, allocatable: Record<string, string>): Promise<ResolvedEnv> {
  const ns = pod.metadata.namespace ?? 'default';
  const vars = new Map<string, string>();
  const lookup = (n: string) => vars.get(n);
  if (pod.spec?.enableServiceLinks !== false) {
    for (const e of serviceEnv(await src.services(ns))) vars.set(e.name, e.value);
  }
  const cms = new Map<string, ConfigMap | null>();
  const secrets = new Map<string, Secret | null>();
  const getCm = async (name: string) => {
    if (!cms.has(name)) cms.set(name, await src.configMap(ns, name));
    return cms.get(name)!;
  };
  const getSecret = async (name: string) => {
    if (!secrets.has(name)) secrets.set(name, await src.secret(ns, name));
    return secrets.get(name)!;
  };
  for (const from of c.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const name = from.configMapRef.name ?? '';
      const cm = await getCm(name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new EnvError(`configmap "${name}" not found`);
      }
      for (const [k, v] of Object.entries((cm.data as Record<string, string> | undefined) ?? {})) {
        const key = prefix + k;
        // Keys that are not valid variable names are skipped (the kubelet records an event).
        if (ENV_NAME.test(key)) vars.set(key, v);
      }
    } else if (from.secretRef) {
      const name = from.secretRef.name ?? '';
      const s = await getSecret(name);
      if (!s) {
        if (from.secretRef.optional) continue;
        throw new EnvError(`secret "${name}" not found`);
      }
      const keys = new Set([...Object.keys((s.data as object) ?? {}), ...Object.keys((s.stringData as object) ?? {})]);
      for (const k of keys) if (ENV_NAME.test(prefix + k)) vars.set(prefix + k, decodeSecret(s, k) ?? '');
    }
  }
  for (const e of c.env ?? []) {
    const name = e.name ?? '';
    if (e.valueFrom === undefined) {
      vars.set(name, expand(e.value ?? '', lookup));
      continue;
    }
    const vf = e.valueFrom;
    if (vf.fieldRef) {
      vars.set(name, podFieldValue(pod, vf.fieldRef.fieldPath ?? '', addrs));
    } else if (vf.resourceFieldRef) {
      const r = vf.resourceFieldRef;
      vars.set(name, resourceFieldValue(pod, r.containerName || c.name || '', r.resource ?? '', r.divisor, allocatable));
    } else if (vf.configMapKeyRef) {
      const ref = vf.configMapKeyRef;
      const cm = await getCm(ref.name ?? '');
      if (!cm) {
        if (ref.optional) continue;
        throw new EnvError(`configmap "${ref.name}" not found`);
      }
      const data = (cm.data as Record<string, string> | undefined) ?? {};
      const bin = (cm.binaryData as Record<string, string> | undefined) ?? {};
      const key = ref.key ?? '';
      if (key in data) vars.set(name, data[key]);
      else if (key in bin) vars.set(name, Buffer.from(bin[key], 'base64').toString('utf8'));
      else if (!ref.optional) throw new EnvError(`couldn't find key ${key} in ConfigMap ${ns}/${ref.name}`);
    } else if (vf.secretKeyRef) {
      const ref = vf.secretKeyRef;
      const s = await getSecret(ref.name ?? '');
      if (!s) {
        if (ref.optional) continue;
        throw new EnvError(`secret "${ref.name}" not found`);
      }
      const v = decodeSecret(s, ref.key ?? '');
      if (v !== undefined) vars.set(name, v);
      else if (!ref.optional) throw new EnvError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`);
    }
  }
  return { env: [...vars].map(([key, value]) => ({ key, value })), lookup };
}

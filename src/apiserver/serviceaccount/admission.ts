// The ServiceAccount admission plugin: a new pod runs as a ServiceAccount that exists ("default"
// when it names none) and, unless the pod or its ServiceAccount opts out with
// automountServiceAccountToken: false, gets the kube-api-access-<x> projected volume (a bound
// token, the cluster CA, its namespace) mounted read-only in every container at
// /var/run/secrets/kubernetes.io/serviceaccount.
import type { Pod } from '../../api/core/v1/pod.js';
import type { KubeObject } from '../../api/resource.js';
import { ApiError } from '../../machinery/errors.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../auth/types.js';
import { serverObjects } from './objects.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const TOKEN_VOLUME_PREFIX = 'kube-api-access-';
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
/** A bound token's lifetime in the default volume (Kubernetes' WarnOnlyBoundTokenExpirationSeconds). */
export const TOKEN_VOLUME_EXPIRATION_SECONDS = 3607;
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
/** k8s.io/apimachinery's utilrand alphabet (no vowels, no confusable characters). */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export interface ServiceAccountAdmissionOptions {
  random?: () => number;
  /** Tries to find a missing "default" ServiceAccount (the controller creates it just after the namespace). */
  defaultAttempts?: number;
  retryIntervalMs?: number;
}

type Volume = NonNullable<NonNullable<Pod['spec']>['volumes']>[number];
type Container = NonNullable<NonNullable<Pod['spec']>['containers']>[number];

export function tokenVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_VOLUME_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: ROOT_CA_CONFIGMAP, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  } as Volume;
}

function forbidden(a: AdmissionAttributes, message: string): ApiError {
  const name = a.name || a.obj?.metadata.name || a.obj?.metadata.generateName || '';
  return new ApiError(403, 'Forbidden', `pods "${name}" is forbidden: ${message}`, { name, kind: 'pods' });
}

export function serviceAccountAdmission(o: ServiceAccountAdmissionOptions = {}): AdmissionPlugin {
  const random = o.random;
  const suffix = (rnd: () => number) => Array.from({ length: 5 }, () => ALPHABET[Math.floor(rnd() * ALPHABET.length)]).join('');

  async function lookup(a: AdmissionAttributes, ns: string, name: string): Promise<KubeObject | undefined> {
    const objects = serverObjects(a.ctx);
    const attempts = name === DEFAULT_SERVICE_ACCOUNT ? o.defaultAttempts ?? 10 : 1;
    for (let i = 0; ; i++) {
      const sa = await objects.get('serviceaccounts', ns, name);
      if (sa || i + 1 >= attempts) return sa;
      const ms = o.retryIntervalMs ?? 100 + Math.floor((random ?? a.ctx.random)() * 100);
      await new Promise<void>((resolve) => a.ctx.clock.setTimeout(resolve, ms));
    }
  }

  return {
    name: 'ServiceAccount',
    async admit(a) {
      const r = a.resource.def;
      if (a.operation !== 'CREATE' || a.subresource || r.group !== '' || r.plural !== 'pods' || !a.obj) return;
      const pod = a.obj as Pod;
      const spec = pod.spec!;
      // Mirror pods are the kubelet's record of static pods: they get no API credentials.
      if (pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) return;
      if (!spec.serviceAccountName) spec.serviceAccountName = DEFAULT_SERVICE_ACCOUNT;
      spec.serviceAccount = spec.serviceAccountName;
      const ns = a.namespace;
      const sa = await lookup(a, ns, spec.serviceAccountName);
      if (!sa) throw forbidden(a, `error looking up service account ${ns}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found`);
      const automount = spec.automountServiceAccountToken ?? (sa as { automountServiceAccountToken?: boolean }).automountServiceAccountToken ?? true;
      if (!automount) return;
      const existing = (spec.volumes ?? []).find((v) => v.name?.startsWith(TOKEN_VOLUME_PREFIX));
      const volumeName = existing?.name ?? TOKEN_VOLUME_PREFIX + suffix(random ?? a.ctx.random);
      let needed = false;
      const mount = (c: Container) => {
        // A container with its own mount at the path keeps it.
        if ((c.volumeMounts ?? []).some((m) => m.mountPath === TOKEN_MOUNT_PATH)) return;
        c.volumeMounts = [...(c.volumeMounts ?? []), { name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
        needed = true;
      };
      for (const c of spec.initContainers ?? []) mount(c as Container);
      for (const c of spec.containers ?? []) mount(c);
      if (needed && !existing) spec.volumes = [...(spec.volumes ?? []), tokenVolume(volumeName)];
    },
  };
}

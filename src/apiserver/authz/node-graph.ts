// What each node may reach through its pods (Kubernetes' node authorizer graph, flattened): pods
// are indexed by spec.nodeName, and every Secret, ConfigMap, PersistentVolumeClaim and
// ServiceAccount a pod references counts once per referencing pod on that node.
import type { KubeObject } from '../../api/resource.js';
import { CacheView, type ContextAccess } from './cache-view.js';

interface PodLike extends KubeObject {
  spec?: {
    nodeName?: string;
    serviceAccountName?: string;
    imagePullSecrets?: { name?: string }[];
    volumes?: Record<string, any>[];
    containers?: ContainerLike[];
    initContainers?: ContainerLike[];
    ephemeralContainers?: ContainerLike[];
  };
}

interface ContainerLike {
  env?: { valueFrom?: { secretKeyRef?: { name?: string }; configMapKeyRef?: { name?: string } } }[];
  envFrom?: { secretRef?: { name?: string }; configMapRef?: { name?: string } }[];
}

/** Volume sources whose secretRef names a Secret (Kubernetes' VisitPodSecretNames). */
const SECRET_REF_VOLUMES = ['azureFile', 'cephfs', 'cinder', 'flexVolume', 'rbd', 'iscsi', 'scaleIO', 'storageos'];

/** "secrets/ns/name", "configmaps/ns/name", "persistentvolumeclaims/ns/name", "serviceaccounts/ns/name". */
export function podReferences(pod: PodLike): string[] {
  const ns = pod.metadata.namespace ?? '';
  const spec = pod.spec ?? {};
  const out = new Set<string>();
  const secret = (n?: string) => { if (n) out.add(`secrets/${ns}/${n}`); };
  const configMap = (n?: string) => { if (n) out.add(`configmaps/${ns}/${n}`); };
  for (const s of spec.imagePullSecrets ?? []) secret(s.name);
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    for (const e of c.env ?? []) { secret(e.valueFrom?.secretKeyRef?.name); configMap(e.valueFrom?.configMapKeyRef?.name); }
    for (const e of c.envFrom ?? []) { secret(e.secretRef?.name); configMap(e.configMapRef?.name); }
  }
  for (const v of spec.volumes ?? []) {
    secret(v.secret?.secretName);
    configMap(v.configMap?.name);
    for (const src of v.projected?.sources ?? []) { secret(src.secret?.name); configMap(src.configMap?.name); }
    for (const k of SECRET_REF_VOLUMES) secret(v[k]?.secretRef?.name);
    secret(v.csi?.nodePublishSecretRef?.name);
    if (v.persistentVolumeClaim?.claimName) out.add(`persistentvolumeclaims/${ns}/${v.persistentVolumeClaim.claimName}`);
    // A generic ephemeral volume's claim is named <pod>-<volume>.
    if (v.ephemeral) out.add(`persistentvolumeclaims/${ns}/${pod.metadata.name}-${v.name}`);
  }
  out.add(`serviceaccounts/${ns}/${spec.serviceAccountName || 'default'}`);
  return [...out];
}

export class NodeGraph {
  /** node → reference → number of its pods holding it. */
  private refs = new Map<string, Map<string, number>>();
  /** node → "ns/name" of its pods. */
  private pods = new Map<string, Set<string>>();
  private view: CacheView<PodLike>;

  constructor(access: ContextAccess) {
    this.view = new CacheView<PodLike>(access, '/v1/pods', {
      add: (p) => this.change(p, 1),
      remove: (p) => this.change(p, -1),
      reset: () => { this.refs.clear(); this.pods.clear(); },
    });
  }

  private change(p: PodLike, delta: 1 | -1): void {
    const node = p.spec?.nodeName;
    if (!node) return;
    const key = `${p.metadata.namespace}/${p.metadata.name}`;
    let podSet = this.pods.get(node);
    if (delta > 0) { if (!podSet) this.pods.set(node, (podSet = new Set())); podSet.add(key); }
    else { podSet?.delete(key); if (podSet && !podSet.size) this.pods.delete(node); }
    let m = this.refs.get(node);
    if (!m) { if (delta < 0) return; this.refs.set(node, (m = new Map())); }
    for (const r of podReferences(p)) {
      const n = (m.get(r) ?? 0) + delta;
      if (n > 0) m.set(r, n); else m.delete(r);
    }
    if (!m.size) this.refs.delete(node);
  }

  /** Whether a pod bound to the node references resource/namespace/name. */
  reaches(node: string, resource: string, namespace: string, name: string): boolean {
    this.view.ensure();
    return (this.refs.get(node)?.get(`${resource}/${namespace}/${name}`) ?? 0) > 0;
  }

  hasPod(node: string, namespace: string, name: string): boolean {
    this.view.ensure();
    return this.pods.get(node)?.has(`${namespace}/${name}`) ?? false;
  }

  close(): void {
    this.view.close();
  }
}

// The root CA certificate publisher: every active namespace has the ConfigMap kube-root-ca.crt
// holding the cluster CA (key ca.crt), which pods' kube-api-access volumes project so workloads can
// verify the API server. Namespace events and changes to those ConfigMaps enqueue the namespace;
// sync creates the ConfigMap or puts its data back.
import type { KubeObject } from '../../api/resource.js';
import { isAlreadyExists, isApiError, isConflict, isNotFound, resourceRef } from '../../client/rest.js';
import { DeletedFinalStateUnknown } from '../../client/informer/relist.js';
import type { Controller, ControllerContext } from '../context.js';
import { newQueue, queueController } from '../base/queue-controller.js';
import { NAMESPACES } from '../base/resources.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';
const CONFIGMAPS = resourceRef('', 'v1', 'configmaps');

interface NamespaceLike extends KubeObject {
  status?: { phase?: string };
}
interface ConfigMapLike extends KubeObject {
  data?: Record<string, string>;
}

/** Where the CA comes from: ControllerOptions.rootCACert (PEM text or bytes). */
export function rootCAOf(options: Record<string, unknown>): string | null {
  const v = options.rootCACert;
  if (typeof v === 'string' && v) return v;
  if (Buffer.isBuffer(v) && v.length) return v.toString('utf8');
  return null;
}

export function createRootCACertPublisher(ctx: ControllerContext): Controller {
  const name = 'root-ca-cert-publisher';
  const ca = rootCAOf(ctx.options);
  const queue = newQueue(ctx, name);
  const namespaces = ctx.informers.informerFor<NamespaceLike>(NAMESPACES);
  const configMaps = ctx.informers.informerFor<ConfigMapLike>(CONFIGMAPS, { fieldSelector: `metadata.name=${ROOT_CA_CONFIGMAP}` });
  if (ca) {
    namespaces.addEventHandler({
      onAdd: (n) => queue.add(n.metadata.name!),
      onUpdate: (_o, n) => queue.add(n.metadata.name!),
    });
    const enqueue = (cm: ConfigMapLike | DeletedFinalStateUnknown<ConfigMapLike>) => {
      const o = cm instanceof DeletedFinalStateUnknown ? cm.obj : cm;
      if (o.metadata.name === ROOT_CA_CONFIGMAP && o.metadata.namespace) queue.add(o.metadata.namespace);
    };
    configMaps.addEventHandler({ onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
  } else {
    ctx.log('no root CA certificate given (options.rootCACert): kube-root-ca.crt ConfigMaps are not published', { controller: name });
  }

  function wanted(cm: ConfigMapLike | undefined): boolean {
    if (!cm) return true;
    const data = cm.data ?? {};
    return data['ca.crt'] !== ca || Object.keys(data).length !== 1 || cm.metadata.annotations?.[DESCRIPTION_ANNOTATION] !== DESCRIPTION;
  }

  async function sync(ns: string): Promise<void> {
    if (!ca) return;
    const namespace = namespaces.indexer.get(undefined, ns);
    if (!namespace || namespace.metadata.deletionTimestamp || namespace.status?.phase === 'Terminating') return;
    const cm = configMaps.indexer.get(ns, ROOT_CA_CONFIGMAP);
    if (!wanted(cm)) return;
    try {
      if (!cm) {
        await ctx.client.create(CONFIGMAPS, {
          apiVersion: 'v1', kind: 'ConfigMap',
          metadata: { name: ROOT_CA_CONFIGMAP, namespace: ns, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } },
          data: { 'ca.crt': ca },
        }, { namespace: ns });
        ctx.log('published root CA certificate', { namespace: ns, name: ROOT_CA_CONFIGMAP });
        return;
      }
      // The data is replaced whole: the ConfigMap holds the CA and nothing else.
      const next: ConfigMapLike = {
        ...cm,
        metadata: { ...cm.metadata, annotations: { ...cm.metadata.annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION } },
        data: { 'ca.crt': ca },
      };
      await ctx.client.update(CONFIGMAPS, next, { namespace: ns });
      ctx.log('updated root CA certificate', { namespace: ns, name: ROOT_CA_CONFIGMAP });
    } catch (err) {
      // Created meanwhile, changed meanwhile or gone: the informer event brings it back here.
      if (isAlreadyExists(err) || isConflict(err) || isNotFound(err)) return;
      // The namespace began terminating meanwhile: nothing to do.
      if (isApiError(err) && err.code === 403) return;
      throw err;
    }
  }

  return queueController({ name, ctx, queue, informers: () => [namespaces, configMaps], sync });
}

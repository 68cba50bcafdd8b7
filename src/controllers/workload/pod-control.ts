// Kubernetes' RealPodControl: pods made from a controller's template (labels, annotations,
// finalizers and spec copied; generateName "<owner>-"; the owner as controller reference) and
// deleted by name, each reported as the Event Kubernetes records on the owner.
import type { Pod } from '../../api/core/v1/pod.js';
import type { PodTemplateSpec } from '../../api/core/v1/pod-spec.js';
import type { KubeObject } from '../../api/resource.js';
import type { EventRecorder } from '../../client/events.js';
import { isNotFound, type RestClient } from '../../client/rest.js';
import type { OwnerReference } from './controller-ref.js';
import { PODS } from './resources.js';

/** Longest generateName prefix Kubernetes keeps (63 minus the 5-character random suffix). */
const MAX_GENERATED_PREFIX = 58;

/** Kubernetes' GetPodFromTemplate. */
export function podFromTemplate(template: PodTemplateSpec | undefined, owner: KubeObject, ref: OwnerReference): Pod {
  let prefix = `${owner.metadata.name}-`;
  if (prefix.length > MAX_GENERATED_PREFIX) prefix = prefix.slice(0, MAX_GENERATED_PREFIX);
  const meta = template?.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { generateName: prefix, namespace: owner.metadata.namespace, ownerReferences: [ref] },
    spec: structuredClone(template?.spec ?? { containers: [] }),
  } as Pod;
  if (meta.labels) pod.metadata.labels = { ...meta.labels };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}

export class PodControl {
  constructor(private readonly client: RestClient, private readonly recorder: EventRecorder) {}

  /** Creates the pod; records SuccessfulCreate or FailedCreate on the owner. */
  async create(pod: Pod, owner: KubeObject): Promise<Pod> {
    try {
      const created = await this.client.create<Pod>(PODS, pod, { namespace: owner.metadata.namespace });
      this.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      return created;
    } catch (err) {
      this.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${(err as Error)?.message ?? String(err)}`);
      throw err;
    }
  }

  /** Deletes the pod; a pod already gone is not an error (and gets no Event). */
  async delete(pod: Pod, owner: KubeObject): Promise<void> {
    try {
      await this.client.delete(PODS, pod.metadata.name!, { namespace: pod.metadata.namespace, preconditions: pod.metadata.uid ? { uid: pod.metadata.uid } : undefined });
      this.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (err) {
      if (isNotFound(err)) return;
      this.recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error)?.message ?? String(err)}`);
      throw err;
    }
  }
}

// Writes pod status through the pods/status subresource, and only when it changed: a JSON merge
// patch from the status last written (or seen) to the new one, so an idle node makes no writes.
import type { Pod } from '../../api/core/v1/pod.js';
import type { PodStatus } from '../../api/core/v1/pod-status.js';
import { createMergePatch, deepEqual, isNotFound, isConflict, type RestClient } from '../../client/index.js';
import { PODS, type KubeletLog } from '../types.js';

/** Where to write: another pod (a static pod's mirror); uid, when known, is sent as a precondition. */
export interface StatusTarget { namespace: string; name: string; uid?: string }

export class StatusManager {
  private last = new Map<string, PodStatus>();

  constructor(private readonly client: RestClient, private readonly log: KubeletLog = () => {}) {}

  /** The status last written for the pod (by uid), if any. */
  get(uid: string): PodStatus | undefined {
    return this.last.get(uid);
  }

  /**
   * Writes status for pod when it differs from what the API server has. `target` names another
   * object to write to (a static pod's mirror). Returns true when a write happened.
   */
  async set(pod: Pod, status: PodStatus, target?: StatusTarget): Promise<boolean> {
    const uid = pod.metadata.uid ?? '';
    const base = this.last.get(uid) ?? (target ? undefined : pod.status) ?? {};
    if (deepEqual(base, status)) {
      this.last.set(uid, status);
      return false;
    }
    const t = target ?? { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '', uid };
    const patch = { ...(t.uid ? { metadata: { uid: t.uid } } : {}), status: createMergePatch(base, status) };
    try {
      await this.client.patch(PODS, t.name, 'merge', patch, { namespace: t.namespace, subresource: 'status' });
      this.last.set(uid, status);
      return true;
    } catch (err) {
      // The pod went away (or was replaced by one of the same name): nothing to report to.
      if (isNotFound(err) || isConflict(err)) {
        this.log('pod status not written: pod gone', { namespace: t.namespace, name: t.name });
        return false;
      }
      throw err;
    }
  }

  forget(uid: string): void {
    this.last.delete(uid);
  }
}

// Kubernetes' ControllerRefManager: an owner claims the objects its selector matches. An orphan
// that matches is adopted (our controller ownerReference added), an object we own that stopped
// matching is released (our reference removed), objects another controller owns are left alone.
// Writes are merge patches carrying the object's resourceVersion, so a patch built from a stale
// cache is refused (409) instead of overwriting someone else's ownerReferences.
import type { KubeObject } from '../../api/resource.js';
import { isNotFound, type ResourceRef, type RestClient } from '../../client/rest.js';

export type OwnerReference = NonNullable<KubeObject['metadata']['ownerReferences']>[number];

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** The reference a controller puts on what it creates (controller and blockOwnerDeletion true). */
export function controllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export interface ClaimOptions<T extends KubeObject> {
  client: RestClient;
  /** The resource of the claimed objects (pods, replicasets). */
  resource: ResourceRef;
  owner: KubeObject;
  ownerApiVersion: string;
  ownerKind: string;
  matches(obj: T): boolean;
  /**
   * Kubernetes re-reads the owner from the API before the first adoption: an owner deleted (or
   * re-created under the same name) since the cache saw it must not adopt. Throws to refuse.
   */
  canAdopt(): Promise<void>;
}

export interface ClaimResult<T> {
  claimed: T[];
  errors: unknown[];
}

export async function claimObjects<T extends KubeObject>(objs: T[], o: ClaimOptions<T>): Promise<ClaimResult<T>> {
  const uid = o.owner.metadata.uid;
  const ownerDeleting = !!o.owner.metadata.deletionTimestamp;
  const claimed: T[] = [];
  const errors: unknown[] = [];
  let adoptCheck: Promise<void> | undefined;
  const work: Promise<void>[] = [];
  for (const obj of objs) {
    const ref = controllerOf(obj);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (o.matches(obj)) {
        claimed.push(obj);
        continue;
      }
      // Our owner is going away: leave its objects to the garbage collector.
      if (ownerDeleting) continue;
      work.push(release(obj, o).catch((err) => { if (!isNotFound(err)) errors.push(err); }));
      continue;
    }
    if (ownerDeleting || !o.matches(obj) || obj.metadata.deletionTimestamp) continue;
    if (obj.metadata.namespace !== o.owner.metadata.namespace) continue;
    work.push((async () => {
      adoptCheck ??= o.canAdopt();
      await adoptCheck;
      const adopted = await adopt(obj, o);
      claimed.push(adopted);
    })().catch((err) => { if (!isNotFound(err)) errors.push(err); }));
  }
  await Promise.all(work);
  return { claimed, errors };
}

async function adopt<T extends KubeObject>(obj: T, o: ClaimOptions<T>): Promise<T> {
  const refs = [...(obj.metadata.ownerReferences ?? []), controllerRef(o.owner, o.ownerApiVersion, o.ownerKind)];
  return o.client.patch<T>(o.resource, obj.metadata.name!, 'merge', {
    metadata: { ownerReferences: refs, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion },
  }, { namespace: obj.metadata.namespace });
}

async function release<T extends KubeObject>(obj: T, o: ClaimOptions<T>): Promise<void> {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== o.owner.metadata.uid);
  await o.client.patch(o.resource, obj.metadata.name!, 'merge', {
    metadata: { ownerReferences: refs.length ? refs : null, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion },
  }, { namespace: obj.metadata.namespace });
}

/** A canAdopt for claimObjects: the owner, fetched fresh, is the same object and not being deleted. */
export function freshOwnerCheck(client: RestClient, resource: ResourceRef, owner: KubeObject): () => Promise<void> {
  return async () => {
    const fresh = await client.get<KubeObject>(resource, owner.metadata.name!, { namespace: owner.metadata.namespace });
    if (fresh.metadata.uid !== owner.metadata.uid) {
      throw new Error(`original ${resource.plural} ${owner.metadata.namespace}/${owner.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${owner.metadata.uid}`);
    }
    if (fresh.metadata.deletionTimestamp) {
      throw new Error(`${resource.plural} ${owner.metadata.namespace}/${owner.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  };
}

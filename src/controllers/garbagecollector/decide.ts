// What the garbage collector does with one object that has owners (Kubernetes' attemptToDeleteItem),
// given what became of each owner:
//   - "solid": exists and is not being deleted in the foreground;
//   - "waiting": exists, deleted in the foreground, waiting for its dependents to go;
//   - "dangling": gone (not found, or the name now belongs to an object with another uid).
// With a solid owner the object stays, minus its references to dangling and waiting owners. With
// none it is deleted: in the foreground when a waiting owner is blocked on it and it has
// dependents of its own (so the chain unwinds from the bottom), else as its finalizers say.
export type OwnerState = 'solid' | 'waiting' | 'dangling';

export interface OwnerRefLike {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export type GcAction =
  | { action: 'none' }
  | { action: 'removeOwnerRefs'; uids: string[] }
  | { action: 'delete'; propagationPolicy: 'Background' | 'Foreground' | 'Orphan' };

export function decide(owners: { ref: OwnerRefLike; state: OwnerState }[], hasDependents: boolean, finalizers: string[] = []): GcAction {
  if (!owners.length) return { action: 'none' };
  const solid = owners.filter((o) => o.state === 'solid');
  const waiting = owners.filter((o) => o.state === 'waiting');
  const dangling = owners.filter((o) => o.state === 'dangling');
  if (solid.length) {
    if (!dangling.length && !waiting.length) return { action: 'none' };
    return { action: 'removeOwnerRefs', uids: [...dangling, ...waiting].map((o) => o.ref.uid) };
  }
  if (waiting.length && hasDependents) return { action: 'delete', propagationPolicy: 'Foreground' };
  // As the object's own finalizers ask, Background by default.
  const policy = finalizers.includes('orphan') ? 'Orphan' : finalizers.includes('foregroundDeletion') ? 'Foreground' : 'Background';
  return { action: 'delete', propagationPolicy: policy };
}

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

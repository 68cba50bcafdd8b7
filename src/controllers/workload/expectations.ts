// Kubernetes' ControllerExpectations (UID-tracking flavour): before a sync fires N creations or
// deletions it records that it expects to see them; the informer's events count them down. Until
// they are all seen (or the record is older than the timeout, in case a watch event was lost) the
// controller does not act on its cache again, because the cache does not yet show what it did:
// that is what keeps a fast resync from creating the same replacement twice.
import type { Clock } from '../../machinery/clock.js';

/** Kubernetes' ExpectationsTimeout: a record this old is trusted no more and the controller re-syncs. */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Record_ {
  add: number;
  del: number;
  /** Pod keys whose deletion we wait for: a pod's delete is counted once however often it is seen. */
  deleting: Set<string>;
  at: number;
}

export class Expectations {
  private records = new Map<string, Record_>();

  constructor(private readonly clock: Clock, private readonly timeoutMs = EXPECTATIONS_TIMEOUT_MS) {}

  /** True when the controller may trust its cache: nothing pending, no record, or the record expired. */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.add <= 0 && r.del <= 0) return true;
    return this.clock.now() - r.at > this.timeoutMs;
  }

  expectCreations(key: string, n: number): void {
    this.expect(key, n, []);
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.expect(key, 0, podKeys);
  }

  /** Creations and deletions fired by one sync (a DaemonSet does both at once). */
  expect(key: string, creations: number, deletionPodKeys: string[]): void {
    const deleting = new Set(deletionPodKeys);
    this.records.set(key, { add: creations, del: deleting.size, deleting, at: this.clock.now() });
  }

  /** A creation was seen in the cache, or will never happen (it failed or was skipped). */
  creationObserved(key: string, n = 1): void {
    const r = this.records.get(key);
    if (r) r.add -= n;
  }

  /** A pod we asked to delete is gone (or being deleted); pods we did not ask about are ignored. */
  deletionObserved(key: string, podKey: string): void {
    const r = this.records.get(key);
    if (r && r.deleting.delete(podKey)) r.del--;
  }

  /** Pending creations and deletions, for logs and tests. */
  pending(key: string): { add: number; del: number } | undefined {
    const r = this.records.get(key);
    return r ? { add: r.add, del: r.del } : undefined;
  }

  delete(key: string): void {
    this.records.delete(key);
  }
}

// Emptying a namespace: every namespaced resource that discovery reports (not a built-in list,
// so resources added later are covered too) is deleted with deletecollection where served, else
// one by one; then each is listed again to report what remains and which finalizers hold it.
import type { KubeObject } from '../../api/resource.js';
import { isNotFound, type RestClient, type ObjectList } from '../../client/rest.js';
import { discoverResources, groupResource, type DiscoveredResource } from '../base/discovery.js';
import type { DeletionReport } from './conditions.js';

export interface DeleteContentResult extends DeletionReport {
  /** Longest remaining grace period of a terminating pod, in ms (to decide when to look again). */
  waitMs: number;
}

export async function deleteAllContent(client: RestClient, namespace: string, nowMs: number, signal?: AbortSignal): Promise<DeleteContentResult> {
  const { resources, failed } = await discoverResources(client, signal);
  const deletable = resources.filter((r) => r.namespaced && r.verbs.includes('list') && (r.verbs.includes('deletecollection') || r.verbs.includes('delete')));
  const report: DeleteContentResult = { discoveryFailures: failed, deleteFailures: [], remaining: new Map(), finalizers: new Map(), waitMs: 0 };
  await Promise.all(deletable.map(async (r) => {
    const gr = groupResource(r);
    try {
      await deleteResource(client, r, namespace, signal);
    } catch (err) {
      report.deleteFailures.push(`${gr}: ${(err as Error).message}`);
    }
    try {
      const left = await client.list<KubeObject>(r, { namespace, signal });
      if (!left.items.length) return;
      report.remaining.set(gr, left.items.length);
      for (const o of left.items) {
        for (const f of o.metadata.finalizers ?? []) report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + 1);
        const dt = o.metadata.deletionTimestamp ? Date.parse(o.metadata.deletionTimestamp) : NaN;
        if (!Number.isNaN(dt)) report.waitMs = Math.max(report.waitMs, dt - nowMs);
      }
    } catch (err) {
      if (!isNotFound(err)) report.deleteFailures.push(`${gr}: ${(err as Error).message}`);
    }
  }));
  report.deleteFailures.sort();
  return report;
}

async function deleteResource(client: RestClient, r: DiscoveredResource, namespace: string, signal?: AbortSignal): Promise<void> {
  // Background: dependents are the garbage collector's business, as Kubernetes' namespace controller does it.
  const body = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' };
  if (r.verbs.includes('deletecollection')) {
    await client.request<ObjectList>('DELETE', client.path(r, namespace), { body, signal, timeoutMs: 120_000 });
    return;
  }
  const list = await client.list<KubeObject>(r, { namespace, signal });
  for (const o of list.items) {
    if (o.metadata.deletionTimestamp) continue;
    try {
      await client.delete(r, o.metadata.name!, { namespace, propagationPolicy: 'Background', signal });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

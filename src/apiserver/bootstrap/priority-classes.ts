// The two system PriorityClasses every cluster has (system-node-critical, system-cluster-critical),
// created at start through the normal REST rules so they carry uid, resourceVersion and managedFields.
import type { ServerContext } from '../context.js';
import { SYSTEM_PRIORITY_CLASSES } from '../../api/scheduling/v1/priorityclasses.js';
import { writeObject } from '../rest/bootstrap.js';

export async function ensureSystemPriorityClasses(ctx: ServerContext): Promise<void> {
  const served = ctx.byPath.get('scheduling.k8s.io/v1/priorityclasses');
  if (!served) return;
  const existing = new Set(served.cache.snapshot().items.map((c) => c.obj.metadata.name));
  for (const pc of SYSTEM_PRIORITY_CLASSES) {
    if (existing.has(pc.name)) continue;
    await writeObject(ctx, {
      apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: pc.name },
      value: pc.value, description: pc.description, preemptionPolicy: 'PreemptLowerPriority',
    });
  }
}

// A DaemonSet's RollingUpdate: pods of an older template are deleted (the next sync creates the
// current one on that node), unavailable old pods first since deleting them costs nothing, then
// available ones while fewer than maxUnavailable (default 1, a percentage of eligible nodes
// rounded up) nodes lack an available pod. OnDelete replaces nothing.
import type { DaemonSet } from '../../api/apps/v1/types.js';
import type { Pod } from '../workload/pods.js';
import { isPodAvailable } from '../workload/pods.js';
import { scaledValue } from '../deployment/util.js';
import { nodeShouldRunDaemonPod, type Node } from './predicates.js';
import { byAge, CONTROLLER_REVISION_HASH } from './status.js';

/** Old-template pods to delete now; `doomed` are pods already being deleted for other reasons. */
export function rollingUpdateVictims(ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>, hash: string, doomed: Pod[], now: number): Pod[] {
  const strategy = ds.spec?.updateStrategy;
  if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return [];
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const spec = ds.spec?.template?.spec;
  const eligible = nodes.filter((n) => nodeShouldRunDaemonPod(n, spec).shouldRun);
  const maxUnavailable = Math.max(1, scaledValue(strategy?.rollingUpdate?.maxUnavailable ?? 1, eligible.length, true));
  const gone = new Set(doomed);
  let unavailable = 0;
  const oldAvailable: Pod[] = [];
  const victims: Pod[] = [];
  for (const n of eligible) {
    const pod = (byNode.get(n.metadata.name!) ?? []).filter((p) => !p.metadata.deletionTimestamp && !gone.has(p)).sort(byAge)[0];
    const old = !!pod && pod.metadata.labels?.[CONTROLLER_REVISION_HASH] !== hash;
    if (!pod || !isPodAvailable(pod, minReady, now)) {
      unavailable++;
      if (old) victims.push(pod!);
    } else if (old) {
      oldAvailable.push(pod);
    }
  }
  for (const p of oldAvailable) {
    if (unavailable >= maxUnavailable) break;
    victims.push(p);
    unavailable++;
  }
  return victims;
}

// PostFilter: when a pod fits nowhere, find nodes where evicting lower-priority pods would make
// room, choose the node and victims Kubernetes would choose, delete the victims and nominate the
// node for the pod (it is scheduled there once the victims are gone).
//   Per node: remove every lower-priority pod; if the pod then fits, add them back one at a time
//   to reprieve as many as possible: first those whose eviction would break a PodDisruptionBudget,
//   then the rest, each group most important first. Those that cannot come back are the victims;
//   the ones among them that break a budget are the node's PDB violations.
//   Among candidate nodes: fewest PDB violations, then the lowest highest-victim priority, the
//   lowest sum of victim priorities, the fewest victims, the latest start of the highest-priority
//   victims, then the first found.
// Victims are deleted (with the DisruptionTarget condition), not evicted: budgets weigh in the
// choice, but preemption does not ask the eviction API.
import { resourceRef } from '../../client/rest.js';
import { isNotFound } from '../../client/errors.js';
import type { NodeInfo } from '../cache/node-info.js';
import type { CycleState } from '../framework/cycle-state.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Code, Status } from '../framework/status.js';
import type { Handle, PostFilterPlugin } from '../framework/types.js';
import { isTerminating, podPriority, type Pod } from '../types.js';
import { fitErrorMessage } from '../framework/fit-error.js';
import { rfc3339 } from '../../machinery/time-format.js';
import { budgetCoversPod } from '../../api/policy/v1/helpers.js';
import type { PodDisruptionBudget } from '../../api/policy/v1/types.js';

export const NAME = 'DefaultPreemption';
const PODS = resourceRef('', 'v1', 'pods', true);
export const MSG_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const MSG_NO_VICTIMS = 'No preemption victims found for incoming pod';

export interface Candidate {
  node: string;
  victims: PodInfo[];
  pdbViolations: number;
}

function startTime(p: Pod): number {
  const t = p.status?.startTime ?? p.metadata.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

/** MoreImportantPod: higher priority, then the one that started earlier. */
export function moreImportant(a: Pod, b: Pod): boolean {
  const pa = podPriority(a);
  const pb = podPriority(b);
  if (pa !== pb) return pa > pb;
  return startTime(a) < startTime(b);
}

/**
 * filterPodsWithPDBViolation: walking the pods in order, each one a budget covers spends one of
 * that budget's allowed disruptions (unless the eviction handler already counted it in
 * disruptedPods); a pod that overdraws any budget would violate it.
 */
export function splitByBudgetViolation(pods: PodInfo[], pdbs: PodDisruptionBudget[]): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((b) => b.status?.disruptionsAllowed ?? 0);
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const pi of pods) {
    let violated = false;
    // A pod without labels matches no budget.
    if (Object.keys(pi.pod.metadata.labels ?? {}).length) {
      pdbs.forEach((b, i) => {
        if (!budgetCoversPod(b, pi.pod)) return;
        if (b.status?.disruptedPods && Object.hasOwn(b.status.disruptedPods, pi.pod.metadata.name ?? '')) return;
        allowed[i]!--;
        if (allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(pi);
  }
  return { violating, nonViolating };
}

export interface NodeVictims {
  /** Most important first. */
  victims: PodInfo[];
  /** How many victims break a PodDisruptionBudget. */
  pdbViolations: number;
}

/** Victims on one node, or undefined when evicting cannot make the pod fit. */
export function selectVictimsOnNode(handle: Handle, state: CycleState, pod: Pod, node: NodeInfo, pdbs: PodDisruptionBudget[] = []): NodeVictims | undefined {
  const prio = podPriority(pod);
  const potential = node.pods.filter((p) => podPriority(p.pod) < prio);
  if (potential.length === 0) return undefined;
  for (const pv of potential) {
    node.removePod(pv.key);
    if (!handle.runPreFilterExtensionRemovePod(state, pod, pv, node).isSuccess()) return undefined;
  }
  if (!handle.runFilterPlugins(state, pod, node).isSuccess()) return undefined;
  potential.sort((a, b) => (moreImportant(a.pod, b.pod) ? -1 : moreImportant(b.pod, a.pod) ? 1 : 0));
  const { violating, nonViolating } = splitByBudgetViolation(potential, pdbs);
  const victims: PodInfo[] = [];
  /** Adds the pod back; true when the incoming pod still fits (it is reprieved). */
  const reprieve = (pv: PodInfo): boolean => {
    node.addPod(pv);
    handle.runPreFilterExtensionAddPod(state, pod, pv, node);
    if (handle.runFilterPlugins(state, pod, node).isSuccess()) return true;
    node.removePod(pv.key);
    handle.runPreFilterExtensionRemovePod(state, pod, pv, node);
    victims.push(pv);
    return false;
  };
  let pdbViolations = 0;
  for (const pv of violating) if (!reprieve(pv)) pdbViolations++;
  for (const pv of nonViolating) reprieve(pv);
  // Back in order of importance (highest first), whichever group they came from.
  victims.sort((a, b) => (moreImportant(a.pod, b.pod) ? -1 : moreImportant(b.pod, a.pod) ? 1 : 0));
  return victims.length ? { victims, pdbViolations } : undefined;
}

/** pickOneNodeForPreemption. */
export function pickCandidate(cands: Candidate[]): Candidate | undefined {
  if (cands.length <= 1) return cands[0];
  const narrow = (list: Candidate[], score: (c: Candidate) => number): Candidate[] => {
    const best = Math.min(...list.map(score));
    return list.filter((c) => score(c) === best);
  };
  let list = narrow(cands, (c) => c.pdbViolations);
  // The highest victim priority (victims are sorted per group, so look at all of them).
  list = narrow(list, (c) => Math.max(...c.victims.map((v) => podPriority(v.pod))));
  list = narrow(list, (c) => c.victims.reduce((s, v) => s + podPriority(v.pod) + 2 ** 31, 0));
  list = narrow(list, (c) => c.victims.length);
  // Latest start among the earliest-started highest-priority victims (disturb the newest work).
  list = narrow(list, (c) => {
    const top = Math.max(...c.victims.map((v) => podPriority(v.pod)));
    const earliest = Math.min(...c.victims.filter((v) => podPriority(v.pod) === top).map((v) => startTime(v.pod)));
    return -earliest;
  });
  return list[0];
}

/** The victim learns why it goes (DisruptionTarget, PreemptionByScheduler) before it is deleted. */
async function markDisruptionTarget(handle: Handle, victim: Pod, preemptor: Pod): Promise<void> {
  const has = victim.status?.conditions?.some((c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'PreemptionByScheduler');
  if (has) return;
  const condition = {
    type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler',
    message: `${preemptor.spec.schedulerName ?? 'default-scheduler'}: preempting to accommodate a higher priority pod`,
    lastTransitionTime: rfc3339(handle.clock.now()),
  };
  await handle.client.patch(PODS, victim.metadata.name!, 'strategic', { status: { conditions: [condition] } }, { namespace: victim.metadata.namespace, subresource: 'status' });
}

export function defaultPreemption(handle: Handle): PostFilterPlugin {
  return {
    name: NAME,
    async postFilter(state, pod, _pi, statuses) {
      if (pod.spec.preemptionPolicy === 'Never') return { status: Status.unschedulable('preemption: not eligible due to preemptionPolicy=Never.') };
      const nominated = pod.status?.nominatedNodeName;
      if (nominated) {
        const ni = handle.snapshot.get(nominated);
        if (ni?.pods.some((p) => isTerminating(p.pod) && podPriority(p.pod) < podPriority(pod))) {
          return { status: Status.unschedulable('preemption: not eligible due to a terminating pod on the nominated node.') };
        }
      }
      const all = handle.snapshot.nodeInfos();
      const nodeStatus = new Map<string, Status>();
      const cands: Candidate[] = [];
      const pdbs = handle.lister.podDisruptionBudgets?.() ?? [];
      for (const ni of all) {
        const s = statuses.get(ni.name);
        if (!s || s.code !== Code.Unschedulable) {
          nodeStatus.set(ni.name, Status.unresolvable(MSG_NOT_HELPFUL));
          continue;
        }
        const found = selectVictimsOnNode(handle, state.clone(), pod, ni.clone(), pdbs);
        if (!found) { nodeStatus.set(ni.name, Status.unresolvable(MSG_NO_VICTIMS)); continue; }
        cands.push({ node: ni.name, victims: found.victims, pdbViolations: found.pdbViolations });
      }
      const best = pickCandidate(cands);
      if (!best) return { status: Status.unschedulable(`preemption: ${fitErrorMessage(all.length, nodeStatus)}`) };
      // Evict. A victim already gone is fine; any other failure aborts this attempt.
      try {
        await Promise.all(best.victims.map(async (v) => {
          handle.recorder.event(v.pod, 'Normal', 'Preempted', `Preempted by pod ${pod.metadata.uid ?? ''} on node ${best.node}`);
          try {
            await markDisruptionTarget(handle, v.pod, pod);
            await handle.client.delete(PODS, v.pod.metadata.name!, { namespace: v.pod.metadata.namespace });
          } catch (err) {
            if (!isNotFound(err)) throw err;
          }
        }));
      } catch (err) {
        return { status: Status.error(err) };
      }
      // Lower-priority pods nominated to that node lose the nomination (they would not fit).
      for (const n of handle.nominatedPodsForNode(best.node)) {
        if (podPriority(n.pod) < podPriority(pod)) {
          handle.client.patch(PODS, n.pod.metadata.name!, 'merge', { status: { nominatedNodeName: null } }, { namespace: n.pod.metadata.namespace, subresource: 'status' })
            .catch((err) => handle.log('clearing nominatedNodeName failed', { pod: n.key, err: String(err) }));
        }
      }
      handle.log('preempted', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, node: best.node, victims: best.victims.map((v) => v.key) });
      return { result: { nominatedNodeName: best.node }, status: Status.SUCCESS };
    },
  };
}

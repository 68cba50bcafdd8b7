// The extension points (kube-scheduler framework/interface.go, the plugin shape without the sprawl).
// A plugin is an object with a name and any of these methods; the framework calls the ones a
// profile enables at each point. Filter, Score and friends are synchronous: one scheduling cycle
// runs to its end without yielding, so the cache it reads cannot change under it. Permit, PreBind,
// Bind and PostBind run in the binding cycle and may be async.
import type { NodeInfo } from '../cache/node-info.js';
import type { Snapshot } from '../cache/snapshot.js';
import type { RestClient } from '../../client/rest.js';
import type { EventRecorder } from '../../client/events.js';
import type { Clock } from '../../machinery/clock.js';
import type { CycleState } from './cycle-state.js';
import type { PodInfo } from './pod-info.js';
import type { MaybeStatus, Status } from './status.js';
import type { Pod } from '../types.js';
import type { PodDisruptionBudget } from '../../api/policy/v1/types.js';

export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

/** A cluster change that may make an unschedulable pod schedulable (framework.ClusterEvent). */
export type EventResource = 'Node' | 'Pod' | 'AssignedPod' | 'UnscheduledPod' | 'Service' | 'ReplicationController' | 'ReplicaSet' | 'StatefulSet' | '*';
export type ActionType = 'Add' | 'Update' | 'Delete' | 'All';
export interface ClusterEvent {
  resource: EventResource;
  action: ActionType;
  label?: string;
}

export function eventMatches(registered: ClusterEvent, incoming: ClusterEvent): boolean {
  if (registered.resource === '*') return true;
  const resOk = registered.resource === incoming.resource
    || (registered.resource === 'Pod' && (incoming.resource === 'AssignedPod' || incoming.resource === 'UnscheduledPod'));
  return resOk && (registered.action === 'All' || registered.action === incoming.action);
}

export interface NodeScore {
  name: string;
  score: number;
}

/** PreFilter may narrow the nodes to look at (NodeName, NodeAffinity's single-node selectors). */
export interface PreFilterResult {
  nodeNames?: Set<string>;
}

/** Lets plugins see the cluster and reach the API server (framework.Handle). */
export interface Handle {
  snapshot: Snapshot;
  client: RestClient;
  clock: Clock;
  recorder: EventRecorder;
  /** Other workloads' selectors for the default topology spread (services, RCs, RSs, StatefulSets). */
  lister: ClusterLister;
  /** Runs every Filter plugin of this profile on one node (preemption's what-if). */
  runFilterPlugins(state: CycleState, pod: Pod, node: NodeInfo): Status;
  /** Re-runs PreFilter's AddPod/RemovePod extensions when preemption removes or re-adds a pod. */
  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: Pod, podToAdd: PodInfo, node: NodeInfo): Status;
  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: Pod, podToRemove: PodInfo, node: NodeInfo): Status;
  /** Pods nominated to a node (they have preempted there and wait for room). */
  nominatedPodsForNode(node: string): PodInfo[];
  log(msg: string, fields?: Record<string, unknown>): void;
}

export interface ClusterLister {
  /** Label selectors (matchLabels form) of services, RCs, RSs and StatefulSets that select this pod. */
  selectorsFor(pod: Pod): Record<string, string>[] | undefined;
  /** Every PodDisruptionBudget (preemption counts the budgets its victims would break). */
  podDisruptionBudgets?(): PodDisruptionBudget[];
}

export interface Plugin {
  readonly name: string;
  /** Events that could make a pod this plugin rejected fit (EnqueueExtensions). */
  eventsToRegister?(): ClusterEvent[];
}

export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: Pod, podToAdd: PodInfo, node: NodeInfo): MaybeStatus;
  removePod(state: CycleState, podToSchedule: Pod, podToRemove: PodInfo, node: NodeInfo): MaybeStatus;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: Pod, podInfo: PodInfo, nodes: NodeInfo[]): { result?: PreFilterResult; status?: Status } | MaybeStatus;
  preFilterExtensions?(): PreFilterExtensions | undefined;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: Pod, podInfo: PodInfo, node: NodeInfo): MaybeStatus;
}

export interface PostFilterResult {
  nominatedNodeName?: string;
}

export interface PostFilterPlugin extends Plugin {
  /** Async: preemption deletes victims through the API. */
  postFilter(state: CycleState, pod: Pod, podInfo: PodInfo, filteredStatus: Map<string, Status>): Promise<{ result?: PostFilterResult; status: Status }>;
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: Pod, podInfo: PodInfo, nodes: NodeInfo[]): MaybeStatus;
}

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: Pod, podInfo: PodInfo, node: NodeInfo): number;
  /** Rescales this plugin's raw scores to 0..100 in place. */
  normalizeScore?(state: CycleState, pod: Pod, scores: NodeScore[]): MaybeStatus;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: Pod, node: string): MaybeStatus;
  unreserve(state: CycleState, pod: Pod, node: string): void;
}

export interface PermitPlugin extends Plugin {
  /** Return Wait with a timeout to hold the pod; call handle `allow`/`reject` later via WaitingPods. */
  permit(state: CycleState, pod: Pod, node: string): { status?: Status; timeoutMs?: number } | MaybeStatus;
}

export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: Pod, node: string): Promise<MaybeStatus> | MaybeStatus;
}

export interface BindPlugin extends Plugin {
  /** Return Skip to let the next bind plugin do it. */
  bind(state: CycleState, pod: Pod, node: string): Promise<MaybeStatus>;
}

export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: Pod, node: string): void;
}

/** A pod in the scheduling queue with its bookkeeping (framework.QueuedPodInfo). */
export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** When it entered the queue (for queue sort and the 5-minute unschedulable flush). */
  timestamp: number;
  /** When it first entered the queue (for latency metrics). */
  initialAttemptTimestamp: number;
  attempts: number;
  /** Plugins that rejected it last time (which events may help). */
  unschedulablePlugins: Set<string>;
  /** Set when the last failure was an error (always backoff, any event helps). */
  lastFailureWasError?: boolean;
}

export type PluginFactory = (args: Record<string, unknown>, handle: Handle) => Plugin;

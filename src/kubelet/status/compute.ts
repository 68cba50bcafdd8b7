// The pod's status as the kubelet computes it from the runtime's view (generateAPIPodStatus and
// getPhase in pkg/kubelet): one ContainerStatus per spec container from its newest runtime
// container (its predecessor gives lastState), waiting reasons from the last sync (CrashLoopBackOff,
// ErrImagePull...), the phase from the containers' states, and the conditions with their reasons.
import type { Pod } from '../../api/core/v1/pod.js';
import type { Container } from '../../api/core/v1/container.js';
import type { ContainerState, ContainerStatus, PodCondition, PodStatus } from '../../api/core/v1/pod-status.js';
import { podQOSClass } from '../../api/core/v1/pod-qos.js';
import type { ContainerStatus as CriStatus, PodSandboxStatus } from '../runtime/types.js';
import { CONTAINER_NAME, restartCountOf } from '../pods/labels.js';
import { nsToMs, rfc3339 } from './time.js';

export interface Waiting { reason: string; message?: string }

export interface StatusInput {
  pod: Pod;
  /** The pod's newest sandbox, if any. */
  sandbox?: PodSandboxStatus | null;
  /** Every runtime container of the pod (any attempt, any state). */
  containers: CriStatus[];
  /** Why a container is not running, from the last sync (by container name). */
  waiting: Map<string, Waiting>;
  /** Readiness of a running container (by container id). */
  ready(containerId: string): boolean;
  /** Whether a running container has passed its startup probe (by container id). */
  started(containerId: string): boolean;
  hostIP: string;
  /** "containerd": the prefix of containerID. */
  runtimeName: string;
  now: number;
  /** The pod is being torn down: once nothing runs, its phase is final (Succeeded or Failed). */
  terminal?: boolean;
  /** What an exited run left as its termination message (pods/termination-message.ts); '' for none. */
  terminationMessage?(c: CriStatus): string;
}

/** The runtime containers of one spec container, newest first. */
export function attemptsOf(containers: CriStatus[], name: string): CriStatus[] {
  return containers
    .filter((c) => (c.labels?.[CONTAINER_NAME] ?? c.metadata.name) === name)
    .sort((a, b) => restartCountOf(b.annotations) - restartCountOf(a.annotations) || nsToMs(b.createdAt) - nsToMs(a.createdAt));
}

function terminatedReason(c: CriStatus): string {
  if (c.reason) return c.reason;
  return c.exitCode === 0 ? 'Completed' : 'Error';
}

function stateOf(c: CriStatus, runtimeName: string, input?: StatusInput): ContainerState {
  switch (c.state) {
    case 'CONTAINER_RUNNING':
      return { running: { startedAt: rfc3339(nsToMs(c.startedAt)) } };
    case 'CONTAINER_EXITED': {
      const t: NonNullable<ContainerState['terminated']> = {
        exitCode: c.exitCode, reason: terminatedReason(c),
        startedAt: nsToMs(c.startedAt) ? rfc3339(nsToMs(c.startedAt)) : undefined,
        finishedAt: nsToMs(c.finishedAt) ? rfc3339(nsToMs(c.finishedAt)) : undefined,
        containerID: `${runtimeName}://${c.id}`,
      };
      // The runtime's own message first, then the container's (as upstream joins them).
      const own = input?.terminationMessage?.(c) ?? '';
      const message = [c.message, own].filter(Boolean).join(': ');
      if (message) t.message = message;
      for (const k of Object.keys(t) as (keyof typeof t)[]) if (t[k] === undefined) delete t[k];
      return { terminated: t };
    }
    case 'CONTAINER_CREATED':
      return { waiting: { reason: 'ContainerCreating' } };
    default:
      return { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', containerID: `${runtimeName}://${c.id}` } };
  }
}

function containerStatus(spec: Container, input: StatusInput, notCreatedReason: string, isInit: boolean): ContainerStatus {
  const name = spec.name ?? '';
  const [cur, prev] = attemptsOf(input.containers, name);
  const waiting = input.waiting.get(name);
  const s: ContainerStatus = { name, state: {}, lastState: {}, ready: false, restartCount: 0, image: spec.image ?? '', imageID: '', started: false };
  if (!cur) {
    s.state = { waiting: waiting ? { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } : { reason: notCreatedReason } };
    return s;
  }
  s.restartCount = restartCountOf(cur.annotations);
  s.imageID = cur.imageRef ?? '';
  s.containerID = `${input.runtimeName}://${cur.id}`;
  const curState = stateOf(cur, input.runtimeName, input);
  if (waiting && cur.state !== 'CONTAINER_RUNNING') {
    // Waiting to be restarted (back-off, image pull...): the finished run becomes lastState.
    s.state = { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } };
    if (curState.terminated) s.lastState = curState;
    else if (prev) s.lastState = stateOf(prev, input.runtimeName, input);
  } else {
    s.state = curState;
    if (prev && prev.state === 'CONTAINER_EXITED') s.lastState = stateOf(prev, input.runtimeName, input);
  }
  if (cur.state === 'CONTAINER_RUNNING') {
    s.started = input.started(cur.id);
    s.ready = s.started && input.ready(cur.id);
  } else if (isInit && s.state.terminated?.exitCode === 0) {
    s.ready = true;
  }
  return s;
}

function initDone(pod: Pod, init: ContainerStatus[], containers: CriStatus[]): boolean {
  const regular = new Set((pod.spec?.containers ?? []).map((c) => c.name));
  // Once any regular container has run, initialisation finished (its records may be gone).
  if (containers.some((c) => regular.has(c.labels?.[CONTAINER_NAME] ?? c.metadata.name))) return true;
  return init.every((s) => s.state?.terminated?.exitCode === 0);
}

export function podPhase(pod: Pod, init: ContainerStatus[], regular: ContainerStatus[], initialized: boolean, terminal = false): string {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  let pendingInit = 0;
  let failedInit = 0;
  if (!initialized) {
    for (const s of init) {
      if (s.state?.running) pendingInit++;
      else if (s.state?.terminated) { if (s.state.terminated.exitCode !== 0) failedInit++; }
      else if (s.state?.waiting) { if ((s.lastState?.terminated?.exitCode ?? 0) !== 0) failedInit++; else pendingInit++; }
      else pendingInit++;
    }
  }
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  let running = 0, waiting = 0, stopped = 0, succeeded = 0, failed = 0;
  for (const s of regular) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) { stopped++; if (s.state.terminated.exitCode === 0) succeeded++; else failed++; }
    else if (s.state?.waiting) { if (s.lastState?.terminated) stopped++; else waiting++; }
  }
  if (pendingInit > 0 || failedInit > 0) return 'Pending';
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (terminal) return failed > 0 ? 'Failed' : 'Succeeded';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function cond(type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  const c: PodCondition = { type, status: ok ? 'True' : 'False' };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

export function computePodStatus(input: StatusInput): PodStatus {
  const { pod } = input;
  const spec = pod.spec ?? {};
  const old = pod.status ?? {};
  const init = (spec.initContainers ?? []).map((c) => containerStatus(c, input, 'PodInitializing', true));
  const provisional = initDone(pod, init, input.containers);
  const regular = (spec.containers ?? []).map((c) => containerStatus(c, input, provisional ? 'ContainerCreating' : 'PodInitializing', false));
  let phase = podPhase(pod, init, regular, provisional, input.terminal);
  // A pod that finished never comes back.
  if (old.phase === 'Succeeded' || old.phase === 'Failed') phase = old.phase;

  const sandboxReady = input.sandbox?.state === 'SANDBOX_READY';
  const conds: PodCondition[] = [];
  conds.push(cond('PodReadyToStartContainers', sandboxReady));
  const incompleteInit = init.filter((s) => s.state?.terminated?.exitCode !== 0).map((s) => s.name);
  if (phase === 'Succeeded') conds.push(cond('Initialized', true, 'PodCompleted'));
  else if (provisional) conds.push(cond('Initialized', true));
  else conds.push(cond('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: [${incompleteInit.join(' ')}]`));
  const unready = regular.filter((s) => !s.ready).map((s) => s.name);
  let containersReady: PodCondition;
  if (phase === 'Succeeded') containersReady = cond('ContainersReady', false, 'PodCompleted');
  else if (unready.length) containersReady = cond('ContainersReady', false, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`);
  else containersReady = cond('ContainersReady', true);
  let ready: PodCondition = { ...containersReady, type: 'Ready' };
  if (ready.status === 'True') {
    for (const g of spec.readinessGates ?? []) {
      const c = (old.conditions ?? []).find((x) => x.type === g.conditionType);
      if (!c) { ready = cond('Ready', false, 'ReadinessGatesNotReady', `corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`); break; }
      if (c.status !== 'True') { ready = cond('Ready', false, 'ReadinessGatesNotReady', `the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`); break; }
    }
  }
  conds.push(ready, containersReady);
  // Conditions the kubelet does not own (PodScheduled, DisruptionTarget, readiness gates) stay.
  const owned = new Set(conds.map((c) => c.type));
  const now = rfc3339(input.now);
  for (const c of conds) {
    const prior = (old.conditions ?? []).find((x) => x.type === c.type);
    c.lastProbeTime = null as unknown as string;
    c.lastTransitionTime = prior && prior.status === c.status ? prior.lastTransitionTime : now;
  }
  const others = (old.conditions ?? []).filter((c) => !owned.has(c.type));
  const status: PodStatus = {
    phase,
    conditions: [...conds.slice(0, 2), ...conds.slice(2), ...others],
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    startTime: old.startTime ?? now,
    containerStatuses: regular,
    qosClass: old.qosClass ?? podQOSClass(spec),
  };
  const ip = spec.hostNetwork ? input.hostIP : input.sandbox?.network?.ip;
  if (ip) {
    status.podIP = ip;
    status.podIPs = [{ ip }, ...(spec.hostNetwork ? [] : (input.sandbox?.network?.additionalIps ?? []).map((x) => ({ ip: x.ip })))];
  } else if (old.podIP && (phase === 'Succeeded' || phase === 'Failed')) {
    // A finished pod keeps the address it had.
    status.podIP = old.podIP;
    status.podIPs = old.podIPs;
  }
  if (init.length) status.initContainerStatuses = init;
  for (const k of ['observedGeneration', 'nominatedNodeName', 'resourceClaimStatuses'] as const) {
    if (old[k] !== undefined) (status as Record<string, unknown>)[k] = old[k];
  }
  return status;
}

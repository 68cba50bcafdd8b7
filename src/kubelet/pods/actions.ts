// What one sync must do to bring a pod's runtime state to its spec (computePodActions in the
// kubelet's kuberuntime manager): create a sandbox when there is no ready one, run init containers
// one at a time to completion, then start every container that is missing or must be restarted by
// the restart policy, unless it is in crash-loop back-off. Pure: it decides, the syncer acts.
import type { Pod } from '../../api/core/v1/pod.js';
import type { Container } from '../../api/core/v1/container.js';
import type { ContainerStatus as CriStatus, PodSandbox } from '../runtime/types.js';
import { attemptsOf, type Waiting } from '../status/compute.js';
import { nsToMs } from '../status/time.js';
import { restartCountOf, podDesc, CONTAINER_NAME as CONTAINER_NAME_LABEL } from './labels.js';
import { goDuration, type Backoff } from './backoff.js';

export interface StartAction { container: Container; restartCount: number; isInit: boolean; /** The exited run being replaced (its finish time feeds the back-off). */ previous?: CriStatus }
export interface KillAction { id: string; name: string; reason: 'liveness' | 'startup' | 'not-started' | 'sandbox-changed' | 'pod-done'; message: string }

export interface PodActions {
  createSandbox: boolean;
  sandboxAttempt: number;
  /** Stop every container and sandbox first (sandbox lost, or the pod is finished). */
  killPod: boolean;
  /** Nothing of this pod will run again (restart policy says so). */
  podDone: boolean;
  start: StartAction[];
  kill: KillAction[];
  /** Waiting reasons decided here (CrashLoopBackOff), by container name. */
  waiting: Map<string, Waiting>;
  /** When a back-off ends and the pod must be looked at again (ms since the epoch). */
  resyncAt?: number;
}

export interface ActionContext {
  backoff: Backoff;
  /** Why a running container must be killed (liveness/startup probe failed), by container id. */
  unhealthy(containerId: string): { reason: 'liveness' | 'startup'; message: string } | undefined;
}

export function backoffKey(pod: Pod, c: Container): string {
  return `${pod.metadata.uid}_${c.name}`;
}

function shouldRestart(pod: Pod, last: CriStatus): boolean {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return last.exitCode !== 0 || last.state === 'CONTAINER_UNKNOWN';
  return false;
}

function succeeded(last: CriStatus | undefined): boolean {
  return !!last && last.state === 'CONTAINER_EXITED' && last.exitCode === 0;
}

export function computePodActions(pod: Pod, sandboxes: PodSandbox[], containers: CriStatus[], ctx: ActionContext): PodActions {
  const a: PodActions = { createSandbox: false, sandboxAttempt: 0, killPod: false, podDone: false, start: [], kill: [], waiting: new Map() };
  const spec = pod.spec ?? {};
  const policy = spec.restartPolicy ?? 'Always';
  const init = spec.initContainers ?? [];
  const regular = spec.containers ?? [];
  const latest = (c: Container) => attemptsOf(containers, c.name ?? '')[0];
  const nextCount = (c: Container) => { const l = latest(c); return l ? restartCountOf(l.annotations) + 1 : 0; };

  const newest = [...sandboxes].sort((x, y) => nsToMs(y.createdAt) - nsToMs(x.createdAt))[0];
  if (!newest || newest.state !== 'SANDBOX_READY') {
    const hadRun = containers.length > 0;
    if (newest && policy === 'Never' && hadRun) {
      // The sandbox is gone and the pod may not restart anything: it is finished.
      a.killPod = true;
      a.podDone = true;
      return a;
    }
    const toStart = regular.filter((c) => !(policy === 'OnFailure' && succeeded(latest(c))));
    if (!toStart.length) {
      a.killPod = !!newest;
      a.podDone = true;
      return a;
    }
    a.createSandbox = true;
    a.sandboxAttempt = newest ? newest.metadata.attempt + 1 : 0;
    a.killPod = !!newest || containers.some((c) => c.state === 'CONTAINER_RUNNING');
    if (init.length) a.start.push({ container: init[0], restartCount: nextCount(init[0]), isInit: true });
    else for (const c of toStart) a.start.push({ container: c, restartCount: nextCount(c), isInit: false });
    return a;
  }

  const regularNames = new Set(regular.map((c) => c.name));
  const initialized = containers.some((c) => regularNames.has(c.labels?.[CONTAINER_NAME_LABEL] ?? c.metadata.name)) || init.every((c) => succeeded(latest(c)));
  if (!initialized) {
    for (const c of init) {
      const l = latest(c);
      if (!l) { a.start.push({ container: c, restartCount: 0, isInit: true }); break; }
      if (l.state === 'CONTAINER_RUNNING') break;
      if (l.state === 'CONTAINER_CREATED') {
        a.kill.push({ id: l.id, name: c.name ?? '', reason: 'not-started', message: 'never started' });
        a.start.push({ container: c, restartCount: nextCount(c), isInit: true });
        break;
      }
      if (succeeded(l)) continue;
      if (policy === 'Never') { a.podDone = true; a.killPod = true; break; }
      restartOrBackOff(pod, c, l, true, ctx, a);
      break;
    }
    return a;
  }

  let finished = 0;
  for (const c of regular) {
    const l = latest(c);
    if (!l) { a.start.push({ container: c, restartCount: 0, isInit: false }); continue; }
    if (l.state === 'CONTAINER_RUNNING') {
      const bad = ctx.unhealthy(l.id);
      if (bad) a.kill.push({ id: l.id, name: c.name ?? '', reason: bad.reason, message: bad.message });
      continue;
    }
    if (l.state === 'CONTAINER_CREATED') {
      a.kill.push({ id: l.id, name: c.name ?? '', reason: 'not-started', message: 'never started' });
      a.start.push({ container: c, restartCount: nextCount(c), isInit: false });
      continue;
    }
    if (!shouldRestart(pod, l)) { finished++; continue; }
    restartOrBackOff(pod, c, l, false, ctx, a);
  }
  if (regular.length && finished === regular.length) {
    // Every container ran to an end that the policy does not restart: stop the sandbox.
    a.podDone = true;
    a.killPod = true;
  }
  return a;
}



function restartOrBackOff(pod: Pod, c: Container, last: CriStatus, isInit: boolean, ctx: ActionContext, a: PodActions): void {
  const key = backoffKey(pod, c);
  const finishedAt = nsToMs(last.finishedAt) || nsToMs(last.createdAt);
  if (ctx.backoff.isInBackOffSince(key, finishedAt)) {
    const delay = ctx.backoff.get(key);
    a.waiting.set(c.name ?? '', { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(delay)} restarting failed container=${c.name} pod=${podDesc(pod)}` });
    const at = finishedAt + delay;
    a.resyncAt = a.resyncAt === undefined ? at : Math.min(a.resyncAt, at);
    return;
  }
  a.start.push({ container: c, restartCount: restartCountOf(last.annotations) + 1, isInit, previous: last });
}

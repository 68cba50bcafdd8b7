// One pod's sync, and its teardown: the kubelet's SyncPod/SyncTerminatingPod in one place. It
// reads the runtime's view of the pod, decides with computePodActions, acts (volumes, sandbox,
// image, container, hooks, kills) with the kubelet's events, then computes and writes the status.
import { readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod.js';
import type { Container } from '../../api/core/v1/container.js';
import type { PodStatus } from '../../api/core/v1/pod-status.js';
import { isNotFound as apiNotFound, isConflict, type EventRecorder, type RestClient } from '../../client/index.js';
import type { Clock } from '../../machinery/clock.js';
import type { ContainerRuntime, ContainerStatus, PodSandboxConfig } from '../runtime/types.js';
import { isNotFound } from '../runtime/errors.js';
import { PODS, type KubeletLog } from '../types.js';
import { computePodStatus, attemptsOf, type Waiting } from '../status/compute.js';
import type { StatusManager, StatusTarget } from '../status/manager.js';
import { nsToMs } from '../status/time.js';
import type { ProbeManager } from '../probes/manager.js';
import { runAction } from '../probes/handler.js';
import type { VolumeManager } from '../volumes/manager.js';
import { computePodActions, backoffKey, type KillAction, type StartAction } from './actions.js';
import { Backoff } from './backoff.js';
import { containerConfig } from './container-config.js';
import { terminationMessageReader } from './termination-message.js';
import type { DnsSettings } from './dns.js';
import { EnvError, resolveEnv, type EnvSources } from './env.js';
import { ImageError, type ImageManager } from './images.js';
import { podDesc, CONTAINER_NAME } from './labels.js';
import { runtimePod, type RuntimePod } from './runtime-state.js';
import { podCgroupParent, podLogDir, sandboxConfig } from './sandbox-config.js';

/** The kubelet never gives a container less than this to stop (minimumGracePeriodInSeconds). */
export const MIN_GRACE_SECONDS = 2;

export interface SyncerDeps {
  client: RestClient;
  runtime: ContainerRuntime;
  /** Prefix of containerIDs ("containerd"). */
  runtimeName: string;
  clock: Clock;
  recorder: EventRecorder;
  log: KubeletLog;
  volumes: VolumeManager;
  images: ImageManager;
  probes: ProbeManager;
  status: StatusManager;
  env: EnvSources;
  nodeIP: string;
  logRoot: string;
  dns: DnsSettings;
  allocatable(): Record<string, string>;
  memoryCapacityBytes: number;
  /** Asks for another sync of the pod at a time (ms since the epoch). */
  requeue(uid: string, at: number): void;
  removeCgroup(path: string): Promise<void>;
  /** Parent of the pods' cgroups (default /k8ts). */
  cgroupRoot?: string;
  /** Where a pod's status goes when not to itself (static pods: their mirror). */
  statusTarget?(pod: Pod): StatusTarget | undefined | null;
}

type Ref = { kind: string; apiVersion: string; namespace?: string; name?: string; uid?: string; fieldPath?: string };

function containerRef(pod: Pod, name: string, isInit: boolean): Ref {
  return { kind: 'Pod', apiVersion: 'v1', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid, fieldPath: `spec.${isInit ? 'initContainers' : 'containers'}{${name}}` };
}
function podRef(pod: Pod): Ref {
  return { kind: 'Pod', apiVersion: 'v1', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
}

export function gracePeriodSeconds(pod: Pod): number {
  const g = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  return Math.max(g, MIN_GRACE_SECONDS);
}

export class PodSyncer {
  readonly backoff: Backoff;
  private waiting = new Map<string, Map<string, Waiting>>();
  /** The runtime's view of each pod that its last status was computed from (see takeView). */
  private views = new Map<string, RuntimePod>();

  constructor(private readonly d: SyncerDeps) {
    this.backoff = new Backoff(d.clock);
  }

  /** The view the pod's last status was computed from, once: the PLEG takes it as already seen,
   *  so a sync's own changes (a sandbox, a container started) do not wake the pod a second time. */
  takeView(uid: string): RuntimePod | undefined {
    const v = this.views.get(uid);
    this.views.delete(uid);
    return v;
  }

  private waitingOf(uid: string): Map<string, Waiting> {
    let m = this.waiting.get(uid);
    if (!m) this.waiting.set(uid, (m = new Map()));
    return m;
  }

  private specOf(pod: Pod, name: string): { c: Container; isInit: boolean } | undefined {
    const init = (pod.spec?.initContainers ?? []).find((c) => c.name === name);
    if (init) return { c: init, isInit: true };
    const c = (pod.spec?.containers ?? []).find((x) => x.name === name);
    return c ? { c, isInit: false } : undefined;
  }

  /** Brings the runtime to the pod's spec, then writes its status. */
  async sync(pod: Pod): Promise<PodStatus | null> {
    const uid = pod.metadata.uid ?? '';
    const phase = pod.status?.phase;
    let rt = await runtimePod(this.d.runtime, uid);
    if (phase === 'Succeeded' || phase === 'Failed') {
      // A finished pod: make sure nothing of it runs; its record stays until it is deleted.
      await this.stopPod(pod, rt, gracePeriodSeconds(pod), 'pod-done');
      return this.writeStatus(pod);
    }
    const waiting = this.waitingOf(uid);
    const addrs = { podIP: rt.sandbox?.state === 'SANDBOX_READY' ? rt.sandbox.network?.ip : undefined, hostIP: this.d.nodeIP };
    let volumes: Map<string, string>;
    try {
      volumes = await this.d.volumes.setup(pod, addrs);
    } catch (err) {
      this.d.recorder.event(podRef(pod), 'Warning', 'FailedMount', (err as Error).message);
      this.d.requeue(uid, this.d.clock.now() + 2000);
      return this.writeStatus(pod, rt);
    }
    const actions = computePodActions(pod, rt.sandboxes, rt.containers, { backoff: this.backoff, unhealthy: (id) => this.d.probes.unhealthy(id) });
    for (const [name, w] of actions.waiting) {
      waiting.set(name, w);
      const spec = this.specOf(pod, name);
      this.d.recorder.event(containerRef(pod, name, !!spec?.isInit), 'Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${podDesc(pod)}`);
    }
    if (actions.resyncAt !== undefined) this.d.requeue(uid, actions.resyncAt);
    if (actions.killPod) await this.stopPod(pod, rt, gracePeriodSeconds(pod), actions.podDone ? 'pod-done' : 'sandbox-changed');
    if (actions.podDone) return this.writeStatus(pod);

    let sandboxId = rt.sandboxes[0]?.id ?? '';
    let sbConfig: PodSandboxConfig;
    const dnsLog = { logRoot: this.d.logRoot, dns: this.d.dns, cgroupRoot: this.d.cgroupRoot };
    if (actions.createSandbox) {
      if (rt.sandboxes.length) this.d.recorder.event(podRef(pod), 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      sbConfig = sandboxConfig(pod, actions.sandboxAttempt, dnsLog);
      await mkdir(podLogDir(this.d.logRoot, pod), { recursive: true });
      try {
        sandboxId = await this.d.runtime.runPodSandbox(sbConfig);
      } catch (err) {
        this.d.recorder.event(podRef(pod), 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(err as Error).message}`);
        this.d.log('sandbox failed', { namespace: pod.metadata.namespace, name: pod.metadata.name, err: (err as Error).message });
        this.d.requeue(uid, this.d.clock.now() + 2000);
        return this.writeStatus(pod);
      }
      // The new sandbox is the newest: its status (with the IP) is all the pod's view lacks.
      const st = await this.d.runtime.podSandboxStatus(sandboxId).catch((err) => { if (isNotFound(err)) return null; throw err; });
      rt = st ? { ...rt, sandboxes: [st, ...rt.sandboxes], sandbox: st } : await runtimePod(this.d.runtime, uid);
    } else {
      sbConfig = sandboxConfig(pod, rt.sandboxes[0]?.metadata.attempt ?? 0, dnsLog);
    }
    const podIP = pod.spec?.hostNetwork ? this.d.nodeIP : rt.sandbox?.network?.ip;

    for (const k of actions.kill) await this.killForRestart(pod, k, rt);
    const started: string[] = [];
    let allStarted = true;
    for (const s of actions.start) {
      if (s.previous) this.backoff.next(backoffKey(pod, s.container), nsToMs(s.previous.finishedAt) || this.d.clock.now());
      const id = await this.startContainer(pod, s, sandboxId, sbConfig, volumes, podIP);
      if (id) started.push(id);
      else allStarted = false;
      if (!id) this.d.requeue(uid, this.d.clock.now() + 1000);
      if (!id && s.isInit) break;
    }
    const pruned = await this.pruneDead(rt);
    // Status from what this sync already knows where that is exact, rather than listing the pod
    // again: a sync that changed nothing (most are: the PLEG's wake-ups after the pod's own changes,
    // the periodic resync) reuses its read; one that only started containers adds their statuses.
    // That is also the shortest way from a started container to Running in the API.
    const exact = !actions.killPod && actions.kill.length === 0 && allStarted && !pruned;
    if (!exact) return this.writeStatus(pod);
    if (!started.length) return this.writeStatus(pod, rt);
    const fresh = await Promise.all(started.map((id) => this.d.runtime.containerStatus(id).catch((err) => { if (isNotFound(err)) return null; throw err; })));
    if (fresh.some((c) => c === null)) return this.writeStatus(pod);
    return this.writeStatus(pod, { ...rt, containers: [...rt.containers, ...fresh as ContainerStatus[]] });
  }

  /** Creates and starts one container; its id once it started (and its postStart hook passed), else null. */
  private async startContainer(pod: Pod, s: StartAction, sandboxId: string, sbConfig: PodSandboxConfig, volumes: Map<string, string>, podIP: string | undefined): Promise<string | null> {
    const c = s.container;
    const name = c.name ?? '';
    const ref = containerRef(pod, name, s.isInit);
    const waiting = this.waitingOf(pod.metadata.uid ?? '');
    let imageRef: string;
    try {
      imageRef = await this.d.images.ensure(pod, c, ref as Ref & { fieldPath: string });
    } catch (err) {
      waiting.set(name, { reason: err instanceof ImageError ? err.reason : 'ErrImagePull', message: (err as Error).message });
      return null;
    }
    let id: string;
    try {
      const env = await resolveEnv(pod, c, this.d.env, { podIP, hostIP: this.d.nodeIP }, this.d.allocatable());
      const cfg = containerConfig({
        pod, container: c, restartCount: s.restartCount, imageRef, env: env.env, lookup: env.lookup, volumes,
        memoryCapacityBytes: this.d.memoryCapacityBytes, podDir: this.d.volumes.podDir(pod.metadata.uid ?? ''),
      });
      try {
        id = await this.d.runtime.createContainer(sandboxId, cfg, sbConfig);
      } catch (err) {
        waiting.set(name, { reason: 'CreateContainerError', message: (err as Error).message });
        this.d.recorder.event(ref, 'Warning', 'Failed', `Error: ${(err as Error).message}`);
        return null;
      }
    } catch (err) {
      const reason = err instanceof EnvError ? err.reason : 'CreateContainerConfigError';
      waiting.set(name, { reason, message: (err as Error).message });
      this.d.recorder.event(ref, 'Warning', 'Failed', `Error: ${(err as Error).message}`);
      return null;
    }
    this.d.recorder.event(ref, 'Normal', 'Created', `Created container: ${name}`);
    try {
      await this.d.runtime.startContainer(id);
    } catch (err) {
      waiting.set(name, { reason: 'RunContainerError', message: (err as Error).message });
      this.d.recorder.event(ref, 'Warning', 'Failed', `Error: ${(err as Error).message}`);
      return null;
    }
    waiting.delete(name);
    this.d.recorder.event(ref, 'Normal', 'Started', `Started container ${name}`);
    this.d.log('container started', { namespace: pod.metadata.namespace, name: pod.metadata.name, container: name, id, restartCount: s.restartCount });
    const postStart = c.lifecycle?.postStart;
    if (postStart) {
      const r = await runAction(postStart as never, { runtime: this.d.runtime, containerId: id, container: c, host: podIP ?? this.d.nodeIP }, gracePeriodSeconds(pod));
      if (!r.ok) {
        const msg = `PostStartHook failed: ${r.output}`.trim();
        this.d.recorder.event(ref, 'Warning', 'FailedPostStartHook', msg);
        await this.killContainer(pod, c, id, gracePeriodSeconds(pod), `FailedPostStartHook`, s.isInit, false);
        return null;
      }
    }
    return id;
  }

  private async killForRestart(pod: Pod, k: KillAction, rt: RuntimePod): Promise<void> {
    const spec = this.specOf(pod, k.name);
    if (k.reason === 'not-started') {
      await this.d.runtime.removeContainer(k.id).catch((err) => { if (!isNotFound(err)) throw err; });
      return;
    }
    if (spec) this.d.recorder.event(containerRef(pod, k.name, spec.isInit), 'Normal', 'Killing', k.message);
    const probe = k.reason === 'liveness' ? spec?.c.livenessProbe : spec?.c.startupProbe;
    const grace = Math.max(probe?.terminationGracePeriodSeconds ?? gracePeriodSeconds(pod), MIN_GRACE_SECONDS);
    const running = rt.containers.find((c) => c.id === k.id)?.state === 'CONTAINER_RUNNING';
    await this.killContainer(pod, spec?.c, k.id, grace, undefined, !!spec?.isInit, running);
  }

  /** preStop (within the grace period), then StopContainer with what is left of it. */
  private async killContainer(pod: Pod, c: Container | undefined, id: string, graceSeconds: number, message: string | undefined, isInit: boolean, runPreStop = true): Promise<void> {
    if (message && c) this.d.recorder.event(containerRef(pod, c.name ?? '', isInit), 'Normal', 'Killing', message);
    let grace = graceSeconds;
    const preStop = c?.lifecycle?.preStop;
    if (runPreStop && preStop) {
      const started = this.d.clock.now();
      const host = pod.spec?.hostNetwork ? this.d.nodeIP : (pod.status?.podIP ?? this.d.nodeIP);
      const r = await runAction(preStop as never, { runtime: this.d.runtime, containerId: id, container: c!, host }, grace);
      if (!r.ok) this.d.recorder.event(containerRef(pod, c!.name ?? '', isInit), 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${r.output}`.trim());
      grace = Math.max(MIN_GRACE_SECONDS, grace - Math.floor((this.d.clock.now() - started) / 1000));
    }
    try {
      await this.d.runtime.stopContainer(id, grace);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Stops every running container (in parallel, each with its preStop) and every sandbox. */
  private async stopPod(pod: Pod, rt: RuntimePod, graceSeconds: number, why: 'pod-done' | 'sandbox-changed' | 'deleted'): Promise<void> {
    const running = rt.containers.filter((c) => c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED');
    await Promise.all(running.map((cs) => {
      const name = cs.labels?.[CONTAINER_NAME] ?? cs.metadata.name;
      const spec = this.specOf(pod, name);
      const msg = why === 'deleted' ? `Stopping container ${name}` : undefined;
      return this.killContainer(pod, spec?.c, cs.id, graceSeconds, msg, !!spec?.isInit, cs.state === 'CONTAINER_RUNNING');
    }));
    for (const s of rt.sandboxes) {
      if (s.state !== 'SANDBOX_READY') continue;
      await this.d.runtime.stopPodSandbox(s.id).catch((err) => { if (!isNotFound(err)) throw err; });
    }
  }

  /** Keeps the newest two runs of each container (for status and logs) and removes older ones;
   *  true when it removed anything. */
  private async pruneDead(rt: RuntimePod): Promise<boolean> {
    let removed = false;
    const names = new Set(rt.containers.map((c) => c.labels?.[CONTAINER_NAME] ?? c.metadata.name));
    const keep = new Set<string>();
    for (const n of names) {
      const runs = attemptsOf(rt.containers, n);
      runs.slice(0, 2).forEach((c) => keep.add(c.id));
      for (const old of runs.slice(2)) {
        if (old.state === 'CONTAINER_RUNNING') continue;
        await this.d.runtime.removeContainer(old.id).catch((err) => { if (!isNotFound(err)) throw err; });
        removed = true;
      }
    }
    for (const s of rt.sandboxes.slice(1)) {
      if (s.state === 'SANDBOX_READY') continue;
      const inUse = (await this.d.runtime.listContainers({ podSandboxId: s.id })).some((c) => keep.has(c.id));
      if (inUse) continue;
      await this.d.runtime.removePodSandbox(s.id).catch((err) => { if (!isNotFound(err)) throw err; });
      removed = true;
    }
    return removed;
  }

  /** Computes the pod's status from the runtime and writes it when it changed. */
  async writeStatus(pod: Pod, rtIn?: RuntimePod, terminal = false): Promise<PodStatus | null> {
    const uid = pod.metadata.uid ?? '';
    const rt = rtIn ?? await runtimePod(this.d.runtime, uid);
    this.views.set(uid, rt);
    const host = pod.spec?.hostNetwork ? this.d.nodeIP : (rt.sandbox?.network?.ip ?? '');
    if (!terminal) {
      const running: { container: Container; id: string; startedAt: number }[] = [];
      for (const c of [...(pod.spec?.containers ?? [])]) {
        const cur = attemptsOf(rt.containers, c.name ?? '')[0];
        if (cur?.state === 'CONTAINER_RUNNING') running.push({ container: c, id: cur.id, startedAt: nsToMs(cur.startedAt) });
      }
      this.d.probes.sync(pod, running, host);
    }
    const status = computePodStatus({
      pod, sandbox: rt.sandbox, containers: rt.containers, waiting: terminal ? new Map() : this.waitingOf(uid),
      ready: (id) => this.d.probes.isReady(id), started: (id) => this.d.probes.isStarted(id),
      hostIP: this.d.nodeIP, runtimeName: this.d.runtimeName, now: this.d.clock.now(), terminal,
      terminationMessage: terminationMessageReader(pod, this.d.volumes.podDir(uid)),
    });
    const target = this.d.statusTarget?.(pod);
    if (target === null) return status;
    await this.d.status.set(pod, status, target);
    return status;
  }

  /**
   * Tears a pod down: containers stopped within the grace period (preStop first), sandboxes
   * stopped, final status written; when `confirm`, the deletion is confirmed to the API server
   * (DELETE with grace 0 and a uid precondition). Then everything of the pod on the node goes.
   */
  async terminate(pod: Pod, confirm: boolean): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    const rt = await runtimePod(this.d.runtime, uid);
    await this.d.probes.removePod(uid);
    await this.stopPod(pod, rt, gracePeriodSeconds(pod), 'deleted');
    if (confirm) {
      this.waiting.delete(uid);
      try {
        await this.writeStatus(pod, undefined, true);
      } catch (err) {
        this.d.log('final status not written', { namespace: pod.metadata.namespace, name: pod.metadata.name, err: (err as Error).message });
      }
      const t = this.d.statusTarget?.(pod);
      if (t !== null && !t) {
        try {
          await this.d.client.delete(PODS, pod.metadata.name ?? '', { namespace: pod.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid } });
        } catch (err) {
          if (!apiNotFound(err) && !isConflict(err)) throw err;
        }
      }
    }
    await this.cleanup(uid);
  }

  /**
   * The runtime removes container cgroups asynchronously after their task is deleted, so the
   * pod's parent may still be busy for a moment: retry briefly; housekeeping catches the rest.
   */
  private async removeCgroupParent(uid: string): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        await this.d.removeCgroup(podCgroupParent(uid, this.d.cgroupRoot));
        return;
      } catch (err) {
        if (i >= 10) {
          this.d.log('cgroup not removed', { uid, err: (err as Error).message });
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** Removes the pod's containers, sandboxes, volumes, directories and cgroup parent. */
  async cleanup(uid: string): Promise<void> {
    const rt = await runtimePod(this.d.runtime, uid);
    for (const c of rt.containers) {
      if (c.state === 'CONTAINER_RUNNING') await this.d.runtime.stopContainer(c.id, MIN_GRACE_SECONDS).catch((err) => { if (!isNotFound(err)) throw err; });
      await this.d.runtime.removeContainer(c.id).catch((err) => { if (!isNotFound(err)) throw err; });
    }
    for (const s of rt.sandboxes) {
      await this.d.runtime.stopPodSandbox(s.id).catch((err) => { if (!isNotFound(err)) throw err; });
      await this.d.runtime.removePodSandbox(s.id).catch((err) => { if (!isNotFound(err)) throw err; });
    }
    await this.d.probes.removePod(uid);
    await this.d.volumes.teardown(uid);
    // The pod's log directory "<ns>_<name>_<uid>" goes with it.
    for (const e of safeReaddir(this.d.logRoot)) if (e.endsWith(`_${uid}`)) await rm(join(this.d.logRoot, e), { recursive: true, force: true });
    await this.removeCgroupParent(uid);
    this.backoff.forget(`${uid}_`);
    this.d.images.forget(uid);
    this.d.status.forget(uid);
    this.waiting.delete(uid);
    this.views.delete(uid);
  }
}

function safeReaddir(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}

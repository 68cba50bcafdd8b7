// The probe manager: one worker per probe of each running container, results by container id, and
// the Kubernetes events: "Unhealthy" on each failure ("Liveness probe failed: ..."). A liveness or
// startup failure marks the container unhealthy; the pod's next sync kills it ("Killing").
import type { Pod } from '../../api/core/v1/pod.js';
import type { Container } from '../../api/core/v1/container.js';
import type { Probe } from '../../api/core/v1/probe.js';
import type { Clock } from '../../machinery/clock.js';
import type { EventRecorder } from '../../client/index.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { ProbeWorker, type ProbeType } from './worker.js';

export interface RunningContainer { container: Container; id: string; startedAt: number }

export interface ProbeManagerOptions {
  runtime: ContainerRuntime;
  clock: Clock;
  recorder?: EventRecorder;
  /** A probe result changed for a pod: its status (or its containers) need a look. */
  onChange(podUid: string): void;
}

const TITLE: Record<ProbeType, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

interface Entry { worker: ProbeWorker; podUid: string; type: ProbeType; containerName: string }

export class ProbeManager {
  private workers = new Map<string, Entry>();

  constructor(private readonly o: ProbeManagerOptions) {}

  private key(id: string, type: ProbeType): string {
    return `${id}/${type}`;
  }

  /** Starts workers for the pod's running containers and stops those of containers gone. */
  sync(pod: Pod, running: RunningContainer[], host: string): void {
    const uid = pod.metadata.uid ?? '';
    const want = new Set<string>();
    for (const r of running) {
      const probes: [ProbeType, Probe | undefined][] = [['startup', r.container.startupProbe], ['liveness', r.container.livenessProbe], ['readiness', r.container.readinessProbe]];
      for (const [type, probe] of probes) {
        if (!probe) continue;
        const k = this.key(r.id, type);
        want.add(k);
        if (this.workers.has(k)) continue;
        const worker = new ProbeWorker({
          type, probe, startedAt: r.startedAt, clock: this.o.clock,
          target: { runtime: this.o.runtime, containerId: r.id, container: r.container, host },
          gate: type === 'startup' ? undefined : () => this.isStarted(r.id),
          onFailure: (output) => this.o.recorder?.event({ ...ref(pod), fieldPath: `spec.containers{${r.container.name}}` }, 'Warning', 'Unhealthy', `${TITLE[type]} probe failed: ${output}`),
          onResult: () => this.o.onChange(uid),
        });
        this.workers.set(k, { worker, podUid: uid, type, containerName: r.container.name ?? '' });
        worker.start();
      }
    }
    for (const [k, e] of this.workers) {
      if (e.podUid === uid && !want.has(k)) {
        this.workers.delete(k);
        void e.worker.stop();
      }
    }
  }

  /** Ready unless a readiness probe says otherwise (and started). */
  isReady(id: string): boolean {
    const w = this.workers.get(this.key(id, 'readiness'));
    return w ? w.worker.result : true;
  }

  isStarted(id: string): boolean {
    const w = this.workers.get(this.key(id, 'startup'));
    return w ? w.worker.result : true;
  }

  /** Why a container must be killed, if a liveness or startup probe failed. */
  unhealthy(id: string): { reason: 'liveness' | 'startup'; message: string } | undefined {
    for (const type of ['startup', 'liveness'] as const) {
      const e = this.workers.get(this.key(id, type));
      // Liveness starts true, so false means its threshold was reached; startup starts false.
      if (e && e.worker.held) {
        return { reason: type, message: `Container ${e.containerName} failed ${type} probe, will be restarted` };
      }
    }
    return undefined;
  }

  async removePod(uid: string): Promise<void> {
    const stops: Promise<void>[] = [];
    for (const [k, e] of this.workers) if (e.podUid === uid) { this.workers.delete(k); stops.push(e.worker.stop()); }
    await Promise.all(stops);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((e) => e.worker.stop()));
    this.workers.clear();
  }
}

function ref(pod: Pod) {
  return { kind: 'Pod', apiVersion: 'v1', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
}

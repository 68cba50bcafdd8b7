// One probe of one container (the kubelet's prober worker): first run once initialDelaySeconds
// have passed since the container started, then every periodSeconds; the result flips only after
// successThreshold successes or failureThreshold failures in a row. A liveness or startup failure
// is reported once and the worker holds until the container is replaced.
import type { Probe } from '../../api/core/v1/probe.js';
import type { Clock } from '../../machinery/clock.js';
import { runAction, type ActionTarget } from './handler.js';

export type ProbeType = 'liveness' | 'readiness' | 'startup';

export interface ProbeWorkerOptions {
  type: ProbeType;
  probe: Probe;
  target: ActionTarget;
  /** When the container started (ms since the epoch). */
  startedAt: number;
  clock: Clock;
  /** Called after every probe run that failed (for the Unhealthy event). */
  onFailure(output: string): void;
  /** Called when the result (as thresholds decide) changes. */
  onResult(ok: boolean): void;
  /** Probes may not run yet (liveness/readiness wait for the startup probe). */
  gate?(): boolean;
}

/** The probe's fields with Kubernetes' defaults. */
export function probeTiming(p: Probe, type: ProbeType) {
  return {
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    periodSeconds: p.periodSeconds || 10,
    timeoutSeconds: p.timeoutSeconds || 1,
    // Liveness and startup need exactly one success.
    successThreshold: type === 'readiness' ? p.successThreshold || 1 : 1,
    failureThreshold: p.failureThreshold || 3,
  };
}

export class ProbeWorker {
  /** The current result: readiness and startup start false, liveness true. */
  result: boolean;
  private lastRun: boolean | null = null;
  private run = 0;
  private timer: { cancel(): void } | null = null;
  private stopped = false;
  private onHold = false;
  private inFlight: Promise<void> | null = null;
  readonly timing;

  constructor(private readonly o: ProbeWorkerOptions) {
    this.result = o.type === 'liveness';
    this.timing = probeTiming(o.probe, o.type);
  }

  start(): void {
    const due = this.o.startedAt + this.timing.initialDelaySeconds * 1000;
    this.schedule(Math.max(0, due - this.o.clock.now()));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = null;
      this.inFlight = this.tick().finally(() => { this.inFlight = null; this.schedule(this.timing.periodSeconds * 1000); });
    }, ms);
  }

  /** One probe run; exposed for tests. */
  async tick(): Promise<void> {
    if (this.stopped || this.onHold) return;
    if (this.o.gate && !this.o.gate()) return;
    // The startup probe is done once it has succeeded.
    if (this.o.type === 'startup' && this.result) return;
    const r = await runAction(this.o.probe as never, this.o.target, this.timing.timeoutSeconds);
    if (this.stopped) return;
    if (!r.ok) this.o.onFailure(r.output.trim());
    if (this.lastRun === r.ok) this.run++;
    else { this.lastRun = r.ok; this.run = 1; }
    if (!r.ok && this.run < this.timing.failureThreshold) return;
    if (r.ok && this.run < this.timing.successThreshold) return;
    const changed = this.result !== r.ok;
    this.result = r.ok;
    if (!r.ok && this.o.type !== 'readiness') {
      this.onHold = true;
      this.run = 0;
    }
    if (changed) this.o.onResult(r.ok);
  }

  /** True once a liveness/startup failure was reported (the container awaits its kill). */
  get held(): boolean {
    return this.onHold;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    await this.inFlight;
  }
}

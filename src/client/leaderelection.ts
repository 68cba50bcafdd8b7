// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it.
// Candidates read the Lease; one whose holder has not renewed within leaseDurationSeconds (timed by
// when *this* candidate saw the record change, so clocks of different machines never compare) may
// take it with an update carrying the resourceVersion it read: the API server's compare-and-swap
// lets exactly one of several racing candidates win. The leader renews every retry period and
// steps down if it cannot renew within the renew deadline; on a clean stop it empties
// holderIdentity so a successor takes over at once.
import type { KubeObject } from '../api/resource.js';
import { realClock, type Clock } from '../machinery/clock.js';
import { sleep } from './backoff.js';
import { isNotFound, resourceRef, type RestClient } from './rest.js';

export const LEASES = resourceRef('coordination.k8s.io', 'v1', 'leases', true);

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderCallbacks {
  /** Leadership gained; `signal` aborts when it is lost or the elector stops. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Leadership ended (lost or released). Called only after onStartedLeading. */
  onStoppedLeading?(): void;
  /** The observed holder changed (including to ourselves). */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectionOptions {
  client: RestClient;
  /** The Lease: namespace and name (e.g. kube-system/kube-scheduler). */
  namespace: string;
  name: string;
  /** This candidate's unique identity (hostname + random suffix, as components use). */
  identity: string;
  callbacks: LeaderCallbacks;
  /** How long a non-renewed lease holds off other candidates (default 15 s). */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it steps down (default 10 s). */
  renewDeadlineMs?: number;
  /** Interval between attempts (default 2 s). */
  retryPeriodMs?: number;
  /** Empty holderIdentity on a clean stop (default true). */
  releaseOnCancel?: boolean;
  clock?: Clock;
  random?: () => number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private readonly renewMs: number;
  private readonly retryMs: number;
  private observedKey = '';
  private observedTime = 0;
  private observedHolder = '';
  private reportedLeader: string | undefined;
  private leading = false;
  private lease: Lease | null = null;

  constructor(private readonly o: LeaderElectionOptions) {
    this.clock = o.clock ?? realClock;
    this.leaseMs = o.leaseDurationMs ?? 15_000;
    this.renewMs = o.renewDeadlineMs ?? 10_000;
    this.retryMs = o.retryPeriodMs ?? 2_000;
    if (this.leaseMs <= this.renewMs) throw new Error('leaseDuration must be greater than renewDeadline');
    if (this.renewMs <= this.retryMs * 1.2) throw new Error('renewDeadline must be greater than retryPeriod*1.2');
    if (!o.identity) throw new Error('leader election needs an identity');
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder as last observed ("" when none). */
  getLeader(): string {
    return this.observedHolder;
  }

  /**
   * Campaigns until leading, leads until the lease is lost or `signal` aborts, then returns.
   * Run it again to campaign again.
   */
  async run(signal: AbortSignal = new AbortController().signal): Promise<void> {
    if (!(await this.acquire(signal))) return;
    const leadership = new AbortController();
    const onAbort = () => leadership.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      Promise.resolve()
        .then(() => this.o.callbacks.onStartedLeading(leadership.signal))
        .catch((err) => this.o.log?.('onStartedLeading failed', { lease: this.leaseName(), err: String(err) }));
      await this.renewLoop(signal);
    } finally {
      signal.removeEventListener('abort', onAbort);
      leadership.abort();
      if (signal.aborted && (this.o.releaseOnCancel ?? true)) await this.release();
      this.leading = false;
      this.o.callbacks.onStoppedLeading?.();
    }
  }

  private leaseName(): string {
    return `${this.o.namespace}/${this.o.name}`;
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    this.o.log?.('attempting to acquire leader lease', { lease: this.leaseName(), identity: this.o.identity });
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) {
        this.o.log?.('successfully acquired lease', { lease: this.leaseName(), identity: this.o.identity });
        return true;
      }
      // client-go jitters acquisition attempts by up to 1.2x the retry period. A follower also
      // wakes the moment the holder's lease runs out (as it observed it, by its own clock): a
      // jittered retry alone would leave the cluster leaderless for up to 2.2 retry periods more.
      const jittered = this.retryMs * (1 + 1.2 * (this.o.random ?? Math.random)());
      const expiresIn = this.observedExpiryMs() - this.clock.now();
      const delay = expiresIn >= 0 ? Math.min(jittered, expiresIn + 1) : jittered;
      await sleep(this.clock, delay, signal);
    }
    return false;
  }

  private async renewLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!(await sleep(this.clock, this.retryMs, signal))) return;
      const deadline = this.clock.now() + this.renewMs;
      let renewed = false;
      while (!signal.aborted && this.clock.now() < deadline) {
        if (await this.tryAcquireOrRenew(deadline - this.clock.now())) { renewed = true; break; }
        if (!(await sleep(this.clock, Math.min(this.retryMs, Math.max(0, deadline - this.clock.now())), signal))) return;
      }
      if (signal.aborted) return;
      if (!renewed) {
        this.o.log?.('failed to renew lease; stepping down', { lease: this.leaseName(), identity: this.o.identity });
        return;
      }
    }
  }

  /** One attempt; true when we hold the lease afterwards. */
  private async tryAcquireOrRenew(timeoutMs = this.renewMs): Promise<boolean> {
    const { client, namespace, name, identity } = this.o;
    const now = this.clock.now();
    const durationSeconds = Math.max(1, Math.ceil(this.leaseMs / 1000));
    let lease: Lease;
    try {
      lease = await client.get<Lease>(LEASES, name, { namespace, timeoutMs });
    } catch (err) {
      if (!isNotFound(err)) { this.o.log?.('error retrieving lease', { lease: this.leaseName(), err: (err as Error).message }); return false; }
      const spec: LeaseSpec = { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 };
      try {
        const created = await client.create<Lease>(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec }, { namespace, timeoutMs });
        this.observe(created, now);
        this.leading = true;
        return true;
      } catch (e) {
        this.o.log?.('error creating lease', { lease: this.leaseName(), err: (e as Error).message });
        return false;
      }
    }
    this.observe(lease, now);
    const old = lease.spec ?? {};
    const holder = old.holderIdentity ?? '';
    if (holder !== '' && holder !== identity && this.observedTime + (old.leaseDurationSeconds ?? 0) * 1000 > now) {
      this.leading = false;
      return false;
    }
    const weHeldIt = holder === identity;
    const spec: LeaseSpec = {
      ...old,
      holderIdentity: identity,
      leaseDurationSeconds: durationSeconds,
      acquireTime: weHeldIt && old.acquireTime ? old.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: weHeldIt ? old.leaseTransitions ?? 0 : (old.leaseTransitions ?? 0) + 1,
    };
    try {
      // The resourceVersion we read makes this a compare-and-swap: a racing candidate gets 409.
      const updated = await client.update<Lease>(LEASES, { ...lease, spec }, { namespace, timeoutMs });
      this.observe(updated, now);
      this.leading = true;
      return true;
    } catch (err) {
      this.o.log?.('error updating lease', { lease: this.leaseName(), err: (err as Error).message });
      this.leading = false;
      return false;
    }
  }

  /** When the lease we last saw held by someone else runs out (-1 when nobody else holds it). */
  private observedExpiryMs(): number {
    const s = this.lease?.spec;
    if (!s?.holderIdentity || s.holderIdentity === this.o.identity) return -1;
    return this.observedTime + (s.leaseDurationSeconds ?? 0) * 1000;
  }

  private observe(lease: Lease, now: number): void {
    this.lease = lease;
    const s = lease.spec ?? {};
    const key = JSON.stringify([s.holderIdentity ?? '', s.leaseDurationSeconds, s.acquireTime, s.renewTime, s.leaseTransitions]);
    if (key !== this.observedKey) {
      this.observedKey = key;
      this.observedTime = now;
    }
    this.observedHolder = s.holderIdentity ?? '';
    if (this.observedHolder && this.observedHolder !== this.reportedLeader) {
      this.reportedLeader = this.observedHolder;
      try { this.o.callbacks.onNewLeader?.(this.observedHolder); } catch { /* a callback's failure is its own */ }
    }
  }

  /** Gives the lease up (holderIdentity "", duration 1 s) so a successor need not wait it out. */
  private async release(): Promise<void> {
    if (!this.leading || !this.lease) return;
    const now = this.clock.now();
    const old = this.lease.spec ?? {};
    const spec: LeaseSpec = { ...old, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: old.leaseTransitions ?? 0 };
    try {
      const updated = await this.o.client.update<Lease>(LEASES, { ...this.lease, spec }, { namespace: this.o.namespace, timeoutMs: this.renewMs });
      this.observe(updated, now);
      this.o.log?.('released leader lease', { lease: this.leaseName(), identity: this.o.identity });
    } catch (err) {
      this.o.log?.('failed to release lease', { lease: this.leaseName(), err: (err as Error).message });
    }
  }
}

/** Convenience: campaign and lead until the signal aborts or leadership is lost. */
export function runLeaderElection(opts: LeaderElectionOptions, signal?: AbortSignal): { elector: LeaderElector; done: Promise<void> } {
  const elector = new LeaderElector(opts);
  return { elector, done: elector.run(signal) };
}

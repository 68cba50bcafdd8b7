// TTLs as etcd leases. Granting a lease per write would cost an extra round trip and a lease object
// per key, so (like kube-apiserver's lease manager) a lease is reused for writes with the same TTL
// made within a short window; the lease is granted for ttl + window so every key lives at least
// its ttl and at most ttl + window (5% of ttl, ≤ 60 s; no reuse for short TTLs).
import type { LeaseClient } from 'etcd3';
import type { Clock } from '../../machinery/clock.js';

interface CachedLease {
  id: string;
  reuseUntil: number;
  expiresAt: number;
}

const REUSE_FRACTION = 0.05;
const MAX_REUSE_SECONDS = 60;

export class LeaseManager {
  private readonly byTtl = new Map<number, CachedLease>();
  /** lease id → ttl the caller asked for; kept until the lease has expired. */
  private readonly ttlById = new Map<string, { ttl: number; expiresAt: number }>();

  constructor(
    private readonly leases: LeaseClient,
    private readonly clock: Clock,
  ) {}

  /** A lease id under which a key written now lives for at least ttlSeconds. */
  async leaseFor(ttlSeconds: number): Promise<string> {
    const now = this.clock.now();
    const cached = this.byTtl.get(ttlSeconds);
    if (cached && now <= cached.reuseUntil) return cached.id;
    const reuse = reuseWindow(ttlSeconds);
    const res = await this.leases.leaseGrant({ TTL: ttlSeconds + reuse, ID: 0 });
    const lease: CachedLease = {
      id: String(res.ID),
      reuseUntil: now + reuse * 1000,
      expiresAt: now + (Number(res.TTL) + 1) * 1000,
    };
    if (reuse > 0) this.byTtl.set(ttlSeconds, lease);
    this.prune(now);
    this.ttlById.set(lease.id, { ttl: ttlSeconds, expiresAt: lease.expiresAt });
    return lease.id;
  }

  /** The ttl a lease was asked for, if this store granted it. */
  ttlOf(leaseId: string): number | undefined {
    return this.ttlById.get(leaseId)?.ttl;
  }

  /** Remember a lease another store instance granted, from the TTL etcd says it was granted. */
  rememberGranted(leaseId: string, grantedTtl: number): void {
    const ttl = requestedTtl(grantedTtl);
    this.ttlById.set(leaseId, { ttl, expiresAt: this.clock.now() + (grantedTtl + 1) * 1000 });
  }

  private prune(now: number): void {
    for (const [id, l] of this.ttlById) if (l.expiresAt < now) this.ttlById.delete(id);
    for (const [ttl, l] of this.byTtl) if (l.reuseUntil < now) this.byTtl.delete(ttl);
  }
}

/** Seconds a lease for `ttl` is padded with (and may be reused for). */
export function reuseWindow(ttl: number): number {
  return Math.min(MAX_REUSE_SECONDS, Math.floor(ttl * REUSE_FRACTION));
}

/** The ttl a store asked for, given the TTL the lease was granted with (ttl + reuseWindow(ttl),
 *  which is strictly increasing in ttl, so the inverse is unique). */
export function requestedTtl(granted: number): number {
  for (let t = granted; t >= Math.max(1, granted - MAX_REUSE_SECONDS); t--) {
    if (t + reuseWindow(t) === granted) return t;
  }
  return granted; // not one of ours (e.g. etcd raised it to its minimum TTL)
}

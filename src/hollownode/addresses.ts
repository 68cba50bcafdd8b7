// Deterministic addresses for hollow node i: its InternalIP and the /24 its pods get IPs from.
// Node IPs come from 172.16.0.0/12, pod ranges from 10.64.0.0/10, so neither overlaps the
// other nor the usual service range (10.96.0.0/12 starts above 10.64+32).

/** How many nodes the address plan has room for (pod ranges 10.64.0.0/24 .. 10.95.255.0/24). */
export const MAX_HOLLOW_NODES = 32 * 256;

export function nodeIP(i: number): string {
  const j = i + 1;
  return `172.${16 + (j >> 16)}.${(j >> 8) & 255}.${j & 255}`;
}

export function podCIDR(i: number): string {
  if (i < 0 || i >= MAX_HOLLOW_NODES) throw new Error(`hollow node index ${i} is outside 0..${MAX_HOLLOW_NODES - 1}`);
  return `10.${64 + (i >> 8)}.${i & 255}.0/24`;
}

/** Hands out host addresses .2-.254 of one node's /24 (.1 is the bridge's), reusing released ones. */
export class PodIPPool {
  private readonly prefix: string;
  private readonly byKey = new Map<string, number>();
  private readonly used = new Set<number>();
  private next = 2;

  constructor(cidr: string) {
    const m = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(cidr);
    if (!m) throw new Error(`pod CIDR ${cidr} is not a /24`);
    this.prefix = m[1]!;
  }

  /** The address of key (a pod's namespace/name), allocating one the first time. */
  allocate(key: string): string {
    const have = this.byKey.get(key);
    if (have !== undefined) return `${this.prefix}.${have}`;
    for (let tries = 0; tries < 253; tries++) {
      const host = this.next;
      this.next = this.next >= 254 ? 2 : this.next + 1;
      if (this.used.has(host)) continue;
      this.used.add(host);
      this.byKey.set(key, host);
      return `${this.prefix}.${host}`;
    }
    throw new Error(`no pod IPs left in ${this.prefix}.0/24`);
  }

  get(key: string): string | undefined {
    const h = this.byKey.get(key);
    return h === undefined ? undefined : `${this.prefix}.${h}`;
  }

  release(key: string): void {
    const h = this.byKey.get(key);
    if (h === undefined) return;
    this.byKey.delete(key);
    this.used.delete(h);
  }

  size(): number {
    return this.byKey.size;
  }
}

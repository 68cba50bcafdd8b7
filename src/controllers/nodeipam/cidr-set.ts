// Kubernetes' cidrset: the cluster CIDR cut into equal per-node subnets, with a bitmap of which are
// taken. Allocation takes the next free subnet after the last one handed out (so a just-released
// subnet is not handed straight to the next node) and wraps around. IPv4 and IPv6 alike (BigInt).
export interface ParsedCIDR {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

export function parseCIDR(cidr: string): ParsedCIDR {
  const m = /^([^/]+)\/(\d+)$/.exec(cidr.trim());
  if (!m) throw new Error(`invalid CIDR address: ${cidr}`);
  const prefix = Number(m[2]);
  const ip = m[1]!;
  let value: bigint;
  let family: 4 | 6;
  if (ip.includes(':')) {
    family = 6;
    value = parseIPv6(ip, cidr);
  } else {
    family = 4;
    const parts = ip.split('.');
    if (parts.length !== 4 || parts.some((p) => !/^\d+$/.test(p) || Number(p) > 255)) throw new Error(`invalid CIDR address: ${cidr}`);
    value = parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
  }
  const bits = family === 4 ? 32 : 128;
  if (prefix > bits) throw new Error(`invalid CIDR address: ${cidr}`);
  const host = BigInt(bits - prefix);
  const base = (value >> host) << host;
  return { family, base, prefix };
}

function parseIPv6(ip: string, cidr: string): bigint {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) throw new Error(`invalid CIDR address: ${cidr}`);
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function formatCIDR(family: 4 | 6, base: bigint, prefix: number): string {
  if (family === 4) {
    const parts = [24n, 16n, 8n, 0n].map((s) => String((base >> s) & 255n));
    return `${parts.join('.')}/${prefix}`;
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((base >> BigInt(i * 16)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups, as Go's net.IP.String does.
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
    i = j;
  }
  const text = best < 0 ? groups.join(':') : `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
  return `${text}/${prefix}`;
}

export class CidrSet {
  readonly cluster: ParsedCIDR;
  readonly size: number;
  private used: Uint8Array;
  private next = 0;
  private readonly step: bigint;

  constructor(clusterCIDR: string, readonly maskSize: number) {
    this.cluster = parseCIDR(clusterCIDR);
    const bits = this.cluster.family === 4 ? 32 : 128;
    if (maskSize < this.cluster.prefix || maskSize > bits) throw new Error(`node CIDR mask size ${maskSize} does not fit cluster CIDR ${clusterCIDR}`);
    const diff = maskSize - this.cluster.prefix;
    if (diff > 16) throw new Error(`cluster CIDR ${clusterCIDR} with node mask ${maskSize} gives more than 65536 node subnets`);
    this.size = 2 ** diff;
    this.used = new Uint8Array(this.size);
    this.step = 1n << BigInt(bits - maskSize);
  }

  private cidrAt(i: number): string {
    return formatCIDR(this.cluster.family, this.cluster.base + BigInt(i) * this.step, this.maskSize);
  }

  /** Index of a subnet of ours, or -1 when the CIDR is not one of our node subnets. */
  indexOf(cidr: string): number {
    let p: ParsedCIDR;
    try { p = parseCIDR(cidr); } catch { return -1; }
    if (p.family !== this.cluster.family || p.prefix !== this.maskSize) return -1;
    const off = p.base - this.cluster.base;
    if (off < 0n || off % this.step !== 0n) return -1;
    const i = Number(off / this.step);
    return i < this.size ? i : -1;
  }

  /** Marks a CIDR taken (rebuilding from existing nodes); false when it is not ours. */
  occupy(cidr: string): boolean {
    const i = this.indexOf(cidr);
    if (i < 0) return false;
    this.used[i] = 1;
    return true;
  }

  release(cidr: string): void {
    const i = this.indexOf(cidr);
    if (i >= 0) this.used[i] = 0;
  }

  /** The next free subnet, or undefined when every one is taken. */
  allocateNext(): string | undefined {
    for (let k = 0; k < this.size; k++) {
      const i = (this.next + k) % this.size;
      if (!this.used[i]) {
        this.used[i] = 1;
        this.next = (i + 1) % this.size;
        return this.cidrAt(i);
      }
    }
    return undefined;
  }

  isUsed(cidr: string): boolean {
    const i = this.indexOf(cidr);
    return i >= 0 && this.used[i] === 1;
  }
}

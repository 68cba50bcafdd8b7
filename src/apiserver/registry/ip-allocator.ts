// ClusterIP allocation from the service CIDR (IPv4; default 10.96.0.0/12). The network and
// broadcast addresses are never handed out; the first address is the kubernetes Service's.
import { AllocationError } from './allocation-error.js';
import { RangeAllocator } from './range-allocator.js';

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

export function parseIPv4(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface IpAllocatorOptions {
  cidr?: string;
  /** Injected for tests; Math.random otherwise. */
  random?: () => number;
}

export class IpAllocator {
  readonly cidr: string;
  private readonly base: number; // first allocatable address (network + 1)
  private readonly range: RangeAllocator;

  constructor(opts: IpAllocatorOptions = {}) {
    this.cidr = opts.cidr ?? DEFAULT_SERVICE_CIDR;
    const m = /^([\d.]+)\/(\d{1,2})$/.exec(this.cidr);
    const net = m ? parseIPv4(m[1]) : null;
    const prefix = m ? Number(m[2]) : NaN;
    if (net === null || !(prefix >= 8 && prefix <= 30)) throw new Error(`invalid service CIDR "${this.cidr}": want an IPv4 CIDR with a prefix from /8 to /30`);
    const total = 2 ** (32 - prefix);
    const network = net - (net % total);
    this.base = network + 1;
    const size = total - 2;
    // Kubernetes' static band: min(max(16, size/16), 256) addresses at the bottom of the range.
    const band = Math.min(Math.max(16, Math.floor(size / 16)), 256);
    this.range = new RangeAllocator(size, Math.min(band, size), opts.random);
  }

  /** The range's first address: the kubernetes Service's ClusterIP. */
  firstAddress(): string {
    return formatIPv4(this.base);
  }

  private offsetOf(ip: string): number {
    const n = parseIPv4(ip);
    return n === null ? -1 : n - this.base;
  }

  contains(ip: string): boolean {
    const o = this.offsetOf(ip);
    return o >= 0 && o < this.range.size;
  }

  /** Claims a specific address; throws AllocationError with Kubernetes' wording when it cannot. */
  allocate(ip: string): void {
    const failure = this.range.allocate(this.offsetOf(ip));
    if (failure === 'allocated') throw new AllocationError('allocated', 'provided IP is already allocated');
    if (failure === 'notInRange') throw new AllocationError('notInRange', `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr}`);
  }

  /** Claims a random free address. */
  allocateNext(): string {
    const o = this.range.allocateNext();
    if (o === null) throw new AllocationError('full', 'range is full');
    return formatIPv4(this.base + o);
  }

  /** Frees an address; addresses outside the range or not held are ignored. */
  release(ip: string): void {
    if (this.contains(ip)) this.range.release(this.offsetOf(ip));
  }

  has(ip: string): boolean {
    return this.contains(ip) && this.range.has(this.offsetOf(ip));
  }

  get allocatedCount(): number {
    return this.range.allocatedCount;
  }

  /** Forgets every allocation (before rebuilding from the stored Services). */
  clear(): void {
    this.range.clear();
  }
}

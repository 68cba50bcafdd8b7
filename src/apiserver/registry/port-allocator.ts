// NodePort allocation from the node port range (default 30000-32767).
import { AllocationError } from './allocation-error.js';
import { RangeAllocator } from './range-allocator.js';

export const DEFAULT_NODE_PORT_RANGE = '30000-32767';

export interface PortAllocatorOptions {
  /** "first-last", inclusive. */
  range?: string;
  random?: () => number;
}

export class PortAllocator {
  readonly rangeText: string;
  readonly first: number;
  readonly last: number;
  private readonly range: RangeAllocator;

  constructor(opts: PortAllocatorOptions = {}) {
    this.rangeText = opts.range ?? DEFAULT_NODE_PORT_RANGE;
    const m = /^(\d+)-(\d+)$/.exec(this.rangeText);
    this.first = m ? Number(m[1]) : NaN;
    this.last = m ? Number(m[2]) : NaN;
    if (!(this.first >= 1 && this.last <= 65535 && this.first <= this.last)) throw new Error(`invalid node port range "${this.rangeText}": want "first-last" within 1-65535`);
    const size = this.last - this.first + 1;
    // Kubernetes' static band for node ports: min(max(16, size/32), 128) ports at the bottom.
    const band = Math.min(Math.max(16, Math.floor(size / 32)), 128);
    this.range = new RangeAllocator(size, Math.min(band, size), opts.random);
  }

  contains(port: number): boolean {
    return Number.isInteger(port) && port >= this.first && port <= this.last;
  }

  allocate(port: number): void {
    const failure = this.range.allocate(port - this.first);
    if (failure === 'allocated') throw new AllocationError('allocated', 'provided port is already allocated');
    if (failure === 'notInRange') throw new AllocationError('notInRange', `provided port is not in the valid range. The range of valid ports is ${this.rangeText}`);
  }

  allocateNext(): number {
    const o = this.range.allocateNext();
    if (o === null) throw new AllocationError('full', 'range is full');
    return this.first + o;
  }

  release(port: number): void {
    if (this.contains(port)) this.range.release(port - this.first);
  }

  has(port: number): boolean {
    return this.contains(port) && this.range.has(port - this.first);
  }

  get allocatedCount(): number {
    return this.range.allocatedCount;
  }

  clear(): void {
    this.range.clear();
  }
}

// Allocation of distinct integers from [0, size): the shared core of the ClusterIP and NodePort
// allocators. Like Kubernetes' allocators, the low "static band" is left for explicit requests
// (10.96.0.1 for the kubernetes Service, 10.96.0.10 for DNS): random picks come from above it and
// fall back into it only when the rest is full.

export type AllocationFailure = 'allocated' | 'notInRange' | 'full';

export class RangeAllocator {
  private readonly used = new Set<number>();

  constructor(
    readonly size: number,
    /** Offsets below this are only handed out on request (or when everything above is taken). */
    readonly staticBand: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Claims a requested offset; returns why not when it cannot. */
  allocate(offset: number): AllocationFailure | null {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.size) return 'notInRange';
    if (this.used.has(offset)) return 'allocated';
    this.used.add(offset);
    return null;
  }

  /** Claims a random free offset, or returns null when the range is full. */
  allocateNext(): number | null {
    const upper = this.scan(this.staticBand, this.size);
    const offset = upper ?? this.scan(0, this.staticBand);
    if (offset !== null) this.used.add(offset);
    return offset;
  }

  /** Random start within [from, to), then the first free offset after it (wrapping). */
  private scan(from: number, to: number): number | null {
    const span = to - from;
    if (span <= 0) return null;
    const start = Math.min(span - 1, Math.floor(this.random() * span));
    for (let i = 0; i < span; i++) {
      const offset = from + ((start + i) % span);
      if (!this.used.has(offset)) return offset;
    }
    return null;
  }

  release(offset: number): void {
    this.used.delete(offset);
  }

  has(offset: number): boolean {
    return this.used.has(offset);
  }

  get allocatedCount(): number {
    return this.used.size;
  }

  clear(): void {
    this.used.clear();
  }
}

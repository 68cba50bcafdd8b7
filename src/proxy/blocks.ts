// Where each load-balancing chain keeps its endpoints in the shared endpoint maps (see rules.ts):
// a chain owns one block of BLOCK_SIZE keys in its shard's map, and `numgen random mod N offset
// <block start>` picks among the first N. A chain keeps its block for as long as it exists, so an
// endpoint change with the same count rewrites map elements only, never the rule. Blocks are freed
// once the transaction deleting the chain is in the kernel (the proxier calls release after commit),
// and a full rebuild starts from a fresh allocator.

/** Keys per block: the most endpoints one service port can balance over (numgen keys are 32-bit). */
export const BLOCK_SIZE = 0x10000;
/** Blocks per shard map (2^32 / BLOCK_SIZE). */
const BLOCKS_PER_SHARD = 0x10000;

export class EndpointBlocks {
  private readonly owned = new Map<string, { shard: number; id: number }>();
  private readonly shards = new Map<number, { next: number; free: number[] }>();

  /** The first key of `chain`'s block in map `shard`, allocating a free block if it has none. */
  offsetOf(shard: number, chain: string): number {
    const have = this.owned.get(chain);
    if (have && have.shard === shard) return have.id * BLOCK_SIZE;
    if (have) this.release(chain);
    let s = this.shards.get(shard);
    if (!s) this.shards.set(shard, (s = { next: 0, free: [] }));
    const id = s.free.length ? s.free.pop()! : s.next++;
    if (id >= BLOCKS_PER_SHARD) throw new Error(`proxy: endpoint map shard ${shard} is full (${BLOCKS_PER_SHARD} chains)`);
    this.owned.set(chain, { shard, id });
    return id * BLOCK_SIZE;
  }

  /** Frees `chain`'s block (no-op when it has none). */
  release(chain: string): void {
    const have = this.owned.get(chain);
    if (!have) return;
    this.owned.delete(chain);
    this.shards.get(have.shard)!.free.push(have.id);
  }

  has(chain: string): boolean {
    return this.owned.has(chain);
  }

  get size(): number {
    return this.owned.size;
  }
}

// Elements of a shared set (the hairpin pairs) that several Services may hold at once: an endpoint
// address can back many Services. The element stays in the kernel while at least one Service holds
// it, so each sync adds or deletes only the elements whose count crosses zero.
import type { RuleDiff, ServiceRules } from './rules.js';

export type Member = [set: string, key: string];

const id = (set: string, key: string) => `${set}\n${key}`;

export class MemberCounts {
  private readonly counts = new Map<string, number>();

  /** The counts a table holding exactly these Services' rules has. */
  static of(all: Iterable<ServiceRules>): MemberCounts {
    const m = new MemberCounts();
    for (const r of all) for (const [set, keys] of r.members) for (const k of keys) m.bump(id(set, k), 1);
    return m;
  }

  private bump(k: string, by: number): void {
    const n = (this.counts.get(k) ?? 0) + by;
    if (n > 0) this.counts.set(k, n);
    else this.counts.delete(k);
  }

  has(set: string, key: string): boolean {
    return this.counts.has(id(set, key));
  }

  get size(): number {
    return this.counts.size;
  }

  /** The kernel changes the diffs need (elements appearing or disappearing), recording nothing. */
  plan(diffs: RuleDiff[]): { add: Member[]; del: Member[] } {
    const delta = new Map<string, { m: Member; by: number }>();
    const touch = (m: Member, by: number) => {
      const k = id(m[0], m[1]);
      const d = delta.get(k);
      if (d) d.by += by; else delta.set(k, { m, by });
    };
    for (const d of diffs) {
      for (const m of d.addMembers) touch(m, 1);
      for (const m of d.delMembers) touch(m, -1);
    }
    const add: Member[] = [];
    const del: Member[] = [];
    for (const [k, { m, by }] of delta) {
      const before = this.counts.get(k) ?? 0;
      const after = before + by;
      if (before === 0 && after > 0) add.push(m);
      else if (before > 0 && after <= 0) del.push(m);
    }
    return { add, del };
  }

  /** Records the diffs once the kernel accepted their transaction. */
  commit(diffs: RuleDiff[]): void {
    for (const d of diffs) {
      for (const [s, k] of d.addMembers) this.bump(id(s, k), 1);
      for (const [s, k] of d.delMembers) this.bump(id(s, k), -1);
    }
  }
}

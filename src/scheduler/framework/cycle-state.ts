// Per-pod scratch space shared by the plugins of one scheduling cycle (framework.CycleState):
// PreFilter computes once what Filter reads on every node. Preemption clones it to try removing
// victims without disturbing the real cycle.
import type { FilterPlugin } from './types.js';

export interface StateData {
  clone(): StateData;
}

export class CycleState {
  private data = new Map<string, StateData>();
  /** Plugins that rejected the pod in this cycle (used to pick which cluster events can help). */
  unschedulablePlugins = new Set<string>();
  /** PreFilter/PreScore plugins that returned Skip: their Filter/Score are not run. */
  skipFilterPlugins = new Set<string>();
  skipScorePlugins = new Set<string>();
  /**
   * The framework's memo of the filter plugins to run (those not skipped), made on the first node
   * filtered: a cycle filters hundreds of nodes, each would otherwise look every plugin up in
   * skipFilterPlugins. Tied to the skip set's size, which only PreFilter changes.
   */
  filtersToRun?: { skipped: number; plugins: FilterPlugin[] };

  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, v: StateData): void {
    this.data.set(key, v);
  }

  delete(key: string): void {
    this.data.delete(key);
  }

  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v.clone());
    c.skipFilterPlugins = new Set(this.skipFilterPlugins);
    c.skipScorePlugins = new Set(this.skipScorePlugins);
    return c;
  }
}

// How many pods the kubelet has between RunPodSandbox and StartContainer at once. On a node whose
// CPUs the runtime saturates (containerd, shims, runc, CNI: ~150 ms of CPU per pod on 2 cores), 30
// pods started all at once share the CPU fairly and so all finish near the end: every pod waits
// about as long as the whole batch. A few at a time, the same batch takes the same wall time (the
// work is the same) but pods finish one after another, so the median pod waits half as long
// (measured, 30 pods straight on containerd, 2 cores: p50 3.7 s at 30 in flight, 1.6-1.8 s at 3,
// wall ~3.3 s either way). Container creates and starts go before new sandboxes, so a pod that
// has its sandbox is finished before another is begun.
import { availableParallelism } from 'node:os';
import type { ContainerRuntime } from './types.js';

/** One more than the CPUs: the runtime's work for a pod also waits (on its db, on the kernel). */
export function defaultStartParallelism(): number {
  return availableParallelism() + 1;
}

/** A counting semaphore with two queues: urgent waiters are let in before the others. */
export class StartGate {
  private free: number;
  private urgent: (() => void)[] = [];
  private other: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`start parallelism must be at least 1, not ${limit}`);
    this.free = limit;
  }

  /** Runs fn once a slot is free; the slot is given back however fn ends. */
  async run<T>(urgent: boolean, fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => (urgent ? this.urgent : this.other).push(r));
    try {
      return await fn();
    } finally {
      const next = this.urgent.shift() ?? this.other.shift();
      if (next) next();
      else this.free++;
    }
  }

  /** Calls waiting for a slot. */
  get waiting(): number {
    return this.urgent.length + this.other.length;
  }
}

/** The runtime with RunPodSandbox behind the gate, and CreateContainer and StartContainer ahead of
 *  it in the queue. Everything else (status, lists, stops, exec) passes straight through. */
export function gateStarts(runtime: ContainerRuntime, gate: StartGate): ContainerRuntime {
  return new Proxy(runtime, {
    get(target, key) {
      if (key === 'runPodSandbox') return (...a: Parameters<ContainerRuntime['runPodSandbox']>) => gate.run(false, () => target.runPodSandbox(...a));
      if (key === 'createContainer') return (...a: Parameters<ContainerRuntime['createContainer']>) => gate.run(true, () => target.createContainer(...a));
      if (key === 'startContainer') return (...a: Parameters<ContainerRuntime['startContainer']>) => gate.run(true, () => target.startContainer(...a));
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(target) : v;
    },
  });
}

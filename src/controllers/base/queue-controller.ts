// The one shape every controller here has: informer handlers add keys to a work queue; once the
// caches have synced, workers call sync(key), which reads the caches and acts. A sync may return
// a delay in ms to be looked at again then (time-driven work: evictions, quarantines); a thrown
// error requeues the key with per-item backoff.
import { WorkQueue, runWorkers } from '../../client/workqueue.js';
import type { SharedInformer } from '../../client/informer/shared-informer.js';
import type { Controller, ControllerContext } from '../context.js';

export interface QueueControllerSpec {
  name: string;
  ctx: ControllerContext;
  queue: WorkQueue<string>;
  /** Informers whose first list must be in the cache before any sync. */
  informers: () => SharedInformer<any>[];
  sync(key: string): Promise<void | number>;
  workers?: number;
  /** Runs once the caches have synced (periodic timers, rebuilding state); its cleanup runs on stop. */
  onSynced?(signal: AbortSignal): Promise<void | (() => void)> | void | (() => void);
  /** Runs before the caches are awaited (e.g. asking for informers found by discovery). */
  beforeSync?(signal: AbortSignal): Promise<void>;
}

export function newQueue(ctx: ControllerContext, name: string): WorkQueue<string> {
  return new WorkQueue<string>({ clock: ctx.clock, name });
}

/** Waits for every informer's first list, in 1 s slices so an abort is noticed; false if aborted. */
export async function waitForCaches(informers: SharedInformer<any>[], signal: AbortSignal): Promise<boolean> {
  for (;;) {
    if (signal.aborted) return false;
    const ok = await Promise.all(informers.map((i) => i.waitForSync(1000)));
    if (ok.every(Boolean)) return !signal.aborted;
  }
}

export function queueController(spec: QueueControllerSpec): Controller {
  const { ctx, queue, name } = spec;
  return {
    name,
    async run(signal: AbortSignal): Promise<void> {
      const onAbort = () => queue.shutDown();
      signal.addEventListener('abort', onAbort, { once: true });
      let cleanup: void | (() => void) = undefined;
      try {
        if (spec.beforeSync) await spec.beforeSync(signal);
        if (!(await waitForCaches(spec.informers(), signal))) return;
        ctx.log('caches synced; starting workers', { controller: name });
        cleanup = await spec.onSynced?.(signal);
        await runWorkers(queue, spec.workers ?? ctx.options.workers ?? 5, async (key) => {
          const again = await spec.sync(key);
          if (typeof again === 'number' && again >= 0) queue.addAfter(key, again);
        }, { log: (msg, f) => ctx.log(msg, { controller: name, ...f }) });
      } finally {
        signal.removeEventListener('abort', onAbort);
        queue.shutDown();
        if (typeof cleanup === 'function') cleanup();
      }
    },
  };
}

/** A repeating timer on the controller's clock until the signal aborts; returns its canceller. */
export function every(ctx: ControllerContext, ms: number, fn: () => void, signal: AbortSignal): () => void {
  let t: { cancel(): void } | null = null;
  const tick = () => {
    if (signal.aborted) return;
    try { fn(); } catch (err) { ctx.log('periodic task failed', { err: (err as Error).message }); }
    t = ctx.clock.setTimeout(tick, ms);
  };
  t = ctx.clock.setTimeout(tick, ms);
  const stop = () => t?.cancel();
  signal.addEventListener('abort', stop, { once: true });
  return stop;
}

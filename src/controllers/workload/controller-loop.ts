// The run() every workload controller shares: start the informers (idempotent), wait until their
// caches hold a full list (no sync may act on an empty cache and create everything again), run
// workers over the queue, and on abort stop taking keys and wait for the workers to finish.
import type { ControllerContext } from '../context.js';
import { runWorkers, type WorkQueue } from '../../client/workqueue.js';

const CACHE_SYNC_POLL_MS = 5_000;

export async function runController(ctx: ControllerContext, name: string, queue: WorkQueue<string>, sync: (key: string) => Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  const onAbort = () => queue.shutDown();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    ctx.informers.start();
    while (!signal.aborted) {
      const synced = await Promise.race([
        ctx.informers.waitForCacheSync(CACHE_SYNC_POLL_MS),
        new Promise<false>((resolve) => signal.addEventListener('abort', () => resolve(false), { once: true })),
      ]);
      if (synced) break;
      if (!signal.aborted) ctx.log('waiting for informer caches to sync', { controller: name });
    }
    if (signal.aborted) return;
    ctx.log('controller started', { controller: name, workers: ctx.options.workers ?? 5 });
    await runWorkers(queue, ctx.options.workers ?? 5, sync, { log: (msg, f) => ctx.log(msg, { controller: name, ...f }) });
  } finally {
    signal.removeEventListener('abort', onAbort);
    queue.shutDown();
  }
}

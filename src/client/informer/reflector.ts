// The reflector keeps a sink in step with the API server: list, then watch from the list's
// resourceVersion (with bookmarks, so the resume point stays fresh even when nothing changes).
// A watch that ends (server timeout), drops (connection cut) or is refused (server restarting) is
// reopened from the last resourceVersion seen, as client-go does: events arrive in resourceVersion
// order, so nothing before it is missing. When the server can no longer serve that history it
// answers 410 Expired and the reflector relists; any other failure relists after a backoff. The
// sink turns a relist into exactly the adds, updates and deletes that were missed.
import type { KubeObject } from '../../api/resource.js';
import type { Clock } from '../../machinery/clock.js';
import { ApiError, type Status } from '../../machinery/errors.js';
import { Backoff, sleep } from '../backoff.js';
import { WatchDroppedError } from '../watch.js';
import { ConnectionError, isApiError, isExpired, type ResourceRef, type RestClient, type Selector } from '../rest.js';

export interface ReflectorSink<T> {
  /** The complete current state, from a (re)list. */
  replace(items: T[], resourceVersion: string): void;
  add(obj: T): void;
  update(obj: T): void;
  delete(obj: T): void;
}

export interface ReflectorOptions {
  namespace?: string;
  labelSelector?: Selector;
  fieldSelector?: Selector;
  clock: Clock;
  random?: () => number;
  /** List page size (default 500, as client-go). */
  pageSize?: number;
  /** Backoff after a failure (default 800 ms doubling to 30 s). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Watches are asked to end after 5-10 minutes (client-go's minWatchTimeout 5 min, jittered). */
  minWatchTimeoutSeconds?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export class Reflector<T extends KubeObject> {
  private rv = '';
  /** Relists so far (the first list included): for tests and metrics. */
  lists = 0;
  /** Watches opened so far. */
  watches = 0;
  private readonly backoff: Backoff;

  constructor(
    private readonly client: RestClient,
    private readonly resource: ResourceRef,
    private readonly sink: ReflectorSink<T>,
    private readonly opts: ReflectorOptions,
  ) {
    this.backoff = new Backoff({ initialMs: opts.backoffInitialMs ?? 800, maxMs: opts.backoffMaxMs ?? 30_000, jitter: 1, random: opts.random });
  }

  /** The resourceVersion the cache is current to. */
  lastSyncResourceVersion(): string {
    return this.rv;
  }

  /** Runs until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.listAndWatch(signal);
        // A 410 needs a relist now: the next list is the cure, not a retry of what failed.
        continue;
      } catch (err) {
        if (signal.aborted) return;
        this.opts.log?.('reflector list/watch failed; relisting after backoff', { resource: this.resource.plural, err: (err as Error).message });
      }
      await sleep(this.opts.clock, this.backoff.next(), signal);
    }
  }

  private async listAndWatch(signal: AbortSignal): Promise<void> {
    const sel = { namespace: this.opts.namespace, labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector };
    let list;
    try {
      list = await this.client.listAll<T>(this.resource, { ...sel, pageSize: this.opts.pageSize ?? 500, signal });
    } catch (err) {
      // A paged list whose continue token expired: take it in one piece.
      if (!isExpired(err)) throw err;
      list = await this.client.list<T>(this.resource, { ...sel, signal });
    }
    if (signal.aborted) return;
    this.lists++;
    this.rv = list.metadata.resourceVersion ?? '';
    this.sink.replace(list.items, this.rv);
    this.backoff.reset();

    for (;;) {
      if (signal.aborted) return;
      const min = this.opts.minWatchTimeoutSeconds ?? 300;
      const timeoutSeconds = Math.floor(min * (1 + (this.opts.random ?? Math.random)()));
      let stream;
      try {
        stream = await this.client.watch<T>(this.resource, { ...sel, resourceVersion: this.rv, allowWatchBookmarks: true, timeoutSeconds, signal });
      } catch (err) {
        if (isExpired(err)) { this.opts.log?.('watch resourceVersion expired; relisting', { resource: this.resource.plural, rv: this.rv }); return; }
        // A server that is restarting (refused, reset) or shedding load (429) is waited for, then
        // the watch resumes where it was; if that history is gone by then, the 410 relists.
        if (err instanceof ConnectionError || isApiError(err, 429)) {
          if (!(await sleep(this.opts.clock, this.backoff.next(), signal))) return;
          continue;
        }
        throw err;
      }
      this.backoff.reset();
      this.watches++;
      const onAbort = () => stream.close();
      signal.addEventListener('abort', onAbort, { once: true });
      const opened = this.opts.clock.now();
      let events = 0;
      try {
        for await (const ev of stream) {
          events++;
          if (ev.type === 'ERROR') {
            const st = ev.object as unknown as Partial<Status>;
            const err = new ApiError(st.code ?? 500, st.reason ?? '', st.message ?? 'watch error', st.details);
            if (isExpired(err)) { this.opts.log?.('watch resourceVersion expired; relisting', { resource: this.resource.plural, rv: this.rv }); return; }
            throw err;
          }
          const rv = ev.object?.metadata?.resourceVersion;
          if (ev.type === 'BOOKMARK') { if (rv) this.rv = rv; continue; }
          if (ev.type === 'ADDED') this.sink.add(ev.object);
          else if (ev.type === 'MODIFIED') this.sink.update(ev.object);
          else if (ev.type === 'DELETED') this.sink.delete(ev.object);
          if (rv) this.rv = rv;
        }
      } catch (err) {
        if (!(err instanceof WatchDroppedError)) throw err;
        // Everything up to this.rv was applied in order, so resuming from it loses nothing; if
        // the server can no longer serve that history, the next watch answers 410 and we relist.
        this.opts.log?.('watch connection dropped; resuming', { resource: this.resource.plural, rv: this.rv, err: err.message });
        if (!(await sleep(this.opts.clock, this.backoff.next(), signal))) return;
        continue;
      } finally {
        signal.removeEventListener('abort', onAbort);
        stream.close();
      }
      // The server ended the watch on time: resume where we are. A watch that ends at once
      // with nothing in it means something is wrong: back off rather than spin.
      if (events === 0 && this.opts.clock.now() - opened < 1000) {
        if (!(await sleep(this.opts.clock, this.backoff.next(), signal))) return;
      }
    }
  }
}

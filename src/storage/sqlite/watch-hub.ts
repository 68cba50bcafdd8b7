// Watches, driven by the writer (no polling). Each watcher has a cursor: the highest revision it
// has been handed. A watcher that starts in the past replays from the log in chunks, pulling the
// next chunk only when its buffer is empty; the chunk that reaches the latest revision switches it
// to live in the same synchronous step, so no commit can slip between replay and live (no gap, no
// repeat). Live events are buffered per watcher and delivered asynchronously in batches; a
// watcher whose buffer overflows is ended with 'WatcherTooSlow' instead of holding anyone up.
//
// onEvents may return a promise (e.g. a consumer waiting for its socket to drain); the hub then
// delivers nothing more to that watcher until it settles, buffering meanwhile.
import { StoreError, type Watch, type WatchEvent, type WatchHandlers } from '../types.js';
import type { StoreState } from './state.js';

export interface WatchSource {
  /** Log events under prefix with after < revision <= upto, oldest first, at most limit. */
  eventsBetween(prefix: string, after: number, upto: number, limit: number): WatchEvent[];
}

/** Events handed to one onEvents call at most. */
const MAX_DELIVERY = 1000;

interface Watcher {
  prefix: string;
  handlers: WatchHandlers;
  cursor: number;
  live: boolean;
  buffer: WatchEvent[];
  /** The consumer's last onEvents promise has not settled yet. */
  busy: boolean;
  scheduled: boolean;
  ended: boolean;
}

export class WatchHub {
  private readonly watchers = new Set<Watcher>();
  private readonly replayChunk: number;

  constructor(
    private readonly source: WatchSource,
    private readonly state: StoreState,
    private readonly bufferLimit: number,
  ) {
    this.replayChunk = Math.max(1, Math.min(MAX_DELIVERY, bufferLimit));
  }

  get size(): number {
    return this.watchers.size;
  }

  watch(prefix: string, afterRevision: number, handlers: WatchHandlers): Watch {
    const w: Watcher = { prefix, handlers, cursor: afterRevision, live: false, buffer: [], busy: false, scheduled: false, ended: false };
    const cancel = { cancel: () => this.detach(w) };
    if (this.state.closed) {
      this.end(w, new StoreError('Closed', 'the store is closed'));
      return cancel;
    }
    if (!Number.isInteger(afterRevision) || afterRevision < 0) {
      this.end(w, new StoreError('InvalidKey', `watch revision ${afterRevision} is not a non-negative integer`));
      return cancel;
    }
    if (afterRevision < this.state.compactRevision) {
      this.end(w, this.compacted(afterRevision));
      return cancel;
    }
    this.watchers.add(w);
    // Already at (or beyond) the latest revision: nothing to replay.
    w.live = afterRevision >= this.state.revision;
    if (!w.live) this.schedule(w);
    return cancel;
  }

  /** Called by the writer right after a commit, with the batch's events in revision order. */
  publish(events: WatchEvent[]): void {
    const last = events[events.length - 1].kv.modRevision;
    for (const w of this.watchers) {
      if (!w.live || w.ended) continue;
      const backlog = w.buffer.length;
      let added = false;
      for (const ev of events) {
        if (ev.kv.modRevision > w.cursor && ev.kv.key.startsWith(w.prefix)) {
          w.buffer.push(ev);
          added = true;
        }
      }
      if (last > w.cursor) w.cursor = last;
      // Too slow = undelivered events piling up; one big commit landing on an idle watcher is not.
      if (backlog > 0 && w.buffer.length > this.bufferLimit) {
        this.end(w, new StoreError('WatcherTooSlow', `watcher on ${w.prefix} fell more than ${this.bufferLimit} events behind; resume from the last revision it saw`));
      } else if (added) this.schedule(w);
    }
  }

  /** End every watcher (store closing). */
  endAll(err: StoreError): void {
    for (const w of [...this.watchers]) this.end(w, err);
  }

  private schedule(w: Watcher): void {
    if (w.scheduled || w.busy || w.ended) return;
    w.scheduled = true;
    setImmediate(() => {
      w.scheduled = false;
      this.pump(w);
    });
  }

  private pump(w: Watcher): void {
    if (w.ended || w.busy) return;
    if (w.buffer.length === 0 && !w.live) this.replayNextChunk(w);
    if (w.ended || w.buffer.length === 0) return;
    const batch = w.buffer.length <= MAX_DELIVERY ? w.buffer : w.buffer.slice(0, MAX_DELIVERY);
    w.buffer = w.buffer.length <= MAX_DELIVERY ? [] : w.buffer.slice(MAX_DELIVERY);
    let result: unknown;
    try {
      result = w.handlers.onEvents(batch);
    } catch (err) {
      this.end(w, new StoreError('Unavailable', `watch handler failed: ${(err as Error).message}`));
      return;
    }
    if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
      w.busy = true;
      const settle = () => {
        w.busy = false;
        this.next(w);
      };
      (result as PromiseLike<unknown>).then(settle, (err: unknown) => {
        w.busy = false;
        this.end(w, new StoreError('Unavailable', `watch handler failed: ${(err as Error)?.message ?? String(err)}`));
      });
      return;
    }
    this.next(w);
  }

  private next(w: Watcher): void {
    if (w.buffer.length > 0 || !w.live) this.schedule(w);
  }

  private replayNextChunk(w: Watcher): void {
    if (w.cursor < this.state.compactRevision) {
      this.end(w, this.compacted(w.cursor));
      return;
    }
    const upto = this.state.revision;
    const events = this.source.eventsBetween(w.prefix, w.cursor, upto, this.replayChunk);
    w.buffer.push(...events);
    if (events.length < this.replayChunk) {
      // Everything up to `upto` has been read and nothing can commit before this returns.
      w.cursor = upto;
      w.live = true;
    } else {
      w.cursor = events[events.length - 1].kv.modRevision;
    }
  }

  private compacted(revision: number): StoreError {
    return new StoreError('Compacted', `cannot watch from revision ${revision}: history up to revision ${this.state.compactRevision} has been compacted`);
  }

  private end(w: Watcher, err: StoreError): void {
    if (w.ended) return;
    this.detach(w);
    setImmediate(() => w.handlers.onError(err));
  }

  private detach(w: Watcher): void {
    w.ended = true;
    w.buffer = [];
    this.watchers.delete(w);
  }
}

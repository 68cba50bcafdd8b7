// One Store watch = one etcd watch stream (so one slow or failed watcher never holds up another).
// Events flow: etcd stream → this watcher's bounded queue → handlers.onEvents, one batch at a time.
// A handler that returns a promise is awaited before the next batch (that is how a consumer pushes
// back, e.g. while an HTTP response drains); events that arrive meanwhile are queued, and when the
// queue passes its bound the watch ends with 'WatcherTooSlow'. If the stream breaks (member killed,
// network), the watcher re-opens it from the last queued revision + 1 on any member, so the
// consumer sees no gap and no repeat; only when etcd stays unreachable past the retry deadline does
// it end with 'Unavailable'.
import type { IDuplexStream, IEvent, IWatchRequest, IWatchResponse, WatchClient } from 'etcd3';
import type { Clock } from '../../machinery/clock.js';
import { StoreError, type KeyValue, type Watch, type WatchEvent, type WatchHandlers } from '../types.js';
import type { KeyCodec } from './keys.js';
import { rev } from './convert.js';

export interface WatchContext {
  client: WatchClient;
  keys: KeyCodec;
  clock: Clock;
  toKv(kv: NonNullable<IEvent['kv']>): KeyValue;
  /** The compaction point last seen (from our compactions or etcd's answers). */
  knownCompactRevision(): number;
  sawCompactRevision(rev: number): void;
  /** Queue bound per watcher, in events. */
  maxBufferedEvents: number;
  /** How long a broken stream may keep failing to re-open before the watch ends. */
  reconnectDeadlineMs: number;
  onEnded(w: EtcdWatch): void;
}

type Stream = IDuplexStream<IWatchRequest, IWatchResponse>;

export class EtcdWatch implements Watch {
  private stream: Stream | null = null;
  private queue: WatchEvent[] = [];
  private delivering = false;
  private ended = false;
  /** Highest revision handed to the queue: the stream resumes after it. */
  private lastQueued: number;
  private reconnectStarted = 0;
  private attempt = 0;
  private retryTimer: { cancel(): void } | null = null;

  constructor(
    private readonly ctx: WatchContext,
    private readonly prefix: string,
    afterRevision: number,
    private readonly handlers: WatchHandlers,
  ) {
    this.lastQueued = afterRevision;
    const compacted = ctx.knownCompactRevision();
    if (afterRevision < compacted) {
      // Report asynchronously: the caller must hold the Watch before any callback runs.
      queueMicrotask(() => this.end(compactedError(afterRevision, compacted)));
      return;
    }
    void this.open();
  }

  cancel(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue = [];
    this.closeStream();
    this.retryTimer?.cancel();
    this.ctx.onEnded(this);
  }

  /** Ends the watch with an error (no events follow). */
  end(err: StoreError): void {
    if (this.ended) return;
    this.cancel();
    this.handlers.onError(err);
  }

  private async open(): Promise<void> {
    if (this.ended) return;
    const { key, rangeEnd } = this.ctx.keys.range(this.prefix);
    let stream: Stream;
    try {
      stream = await this.ctx.client.watch();
    } catch (err) {
      this.streamFailed(err);
      return;
    }
    if (this.ended) {
      stream.cancel();
      return;
    }
    this.stream = stream;
    stream.on('data', (res) => this.onResponse(stream, res));
    stream.on('error', (err) => this.stream === stream && this.streamFailed(err));
    stream.on('end', () => this.stream === stream && this.streamFailed(new Error('watch stream ended')));
    stream.write({
      create_request: { key, range_end: rangeEnd, start_revision: this.lastQueued + 1, prev_kv: true },
    });
  }

  private onResponse(stream: Stream, res: IWatchResponse): void {
    if (this.ended || this.stream !== stream) return;
    this.attempt = 0;
    this.reconnectStarted = 0;
    const compactRevision = rev(res.compact_revision);
    if (compactRevision > 0) {
      this.ctx.sawCompactRevision(compactRevision);
      this.end(compactedError(this.lastQueued, compactRevision));
      return;
    }
    if (res.canceled) {
      // Canceled by the server for another reason (e.g. leader change): re-open where we were.
      this.streamFailed(new Error(`etcd canceled the watch: ${res.cancel_reason || 'no reason given'}`));
      return;
    }
    if (!res.events?.length) return;
    for (const ev of res.events) {
      const modRevision = rev(ev.kv.mod_revision);
      if (modRevision <= this.lastQueued) continue; // already seen before a reconnect
      this.queue.push(this.toEvent(ev));
      this.lastQueued = modRevision;
    }
    if (this.queue.length > this.ctx.maxBufferedEvents) {
      const resumeAfter = this.queue[0]!.kv.modRevision - 1;
      this.end(
        new StoreError(
          'WatcherTooSlow',
          `watcher fell more than ${this.ctx.maxBufferedEvents} events behind; resume from revision ${resumeAfter}`,
        ),
      );
      return;
    }
    this.pump();
  }

  private toEvent(ev: IEvent): WatchEvent {
    const kv = this.ctx.toKv(ev.kv);
    const prevKv = ev.prev_kv ? this.ctx.toKv(ev.prev_kv) : null;
    if (ev.type === 'Delete') {
      return { type: 'delete', kv: { ...kv, value: Buffer.alloc(0) }, prevKv };
    }
    return { type: 'put', kv, prevKv };
  }

  private pump(): void {
    while (!this.ended && !this.delivering && this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      let result: unknown;
      try {
        result = this.handlers.onEvents(batch);
      } catch (err) {
        this.end(new StoreError('Closed', `watch handler threw: ${(err as Error)?.message ?? err}`));
        return;
      }
      if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
        this.delivering = true;
        (result as PromiseLike<unknown>).then(
          () => {
            this.delivering = false;
            this.pump();
          },
          (err: unknown) => this.end(new StoreError('Closed', `watch handler failed: ${(err as Error)?.message ?? err}`)),
        );
      }
    }
  }

  private streamFailed(err: unknown): void {
    if (this.ended) return;
    this.closeStream();
    const now = this.ctx.clock.now();
    if (this.reconnectStarted === 0) this.reconnectStarted = now;
    if (now - this.reconnectStarted > this.ctx.reconnectDeadlineMs) {
      this.end(
        new StoreError(
          'Unavailable',
          `watch on ${JSON.stringify(this.prefix)} lost etcd for over ${this.ctx.reconnectDeadlineMs} ms ` +
            `(${(err as Error)?.message ?? err}); resume from revision ${this.lastQueued}`,
        ),
      );
      return;
    }
    const delay = Math.min(1000, 50 * 2 ** this.attempt++);
    this.retryTimer = this.ctx.clock.setTimeout(() => void this.open(), delay);
  }

  private closeStream(): void {
    const s = this.stream;
    this.stream = null;
    if (s) {
      try {
        s.cancel();
      } catch {
        /* already closed */
      }
    }
  }
}

function compactedError(afterRevision: number, compactRevision: number): StoreError {
  return new StoreError(
    'Compacted',
    `watch from revision ${afterRevision + 1}: history up to revision ${compactRevision} has been compacted`,
  );
}

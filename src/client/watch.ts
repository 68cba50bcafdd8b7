// A watch response as an async stream of events. The API server sends one JSON object per line;
// a stream that ends cleanly (server timeout) finishes the iteration, one cut off mid-way (server
// gone, connection reset) throws WatchDroppedError so the caller knows it may have missed events.
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { KubeObject } from '../api/resource.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  /** The object; for ERROR, a Status. */
  object: T;
}

export class WatchDroppedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WatchDroppedError';
  }
}

export interface WatchStream<T = KubeObject> extends AsyncIterable<WatchEvent<T>> {
  /** Ends the stream (the iteration finishes); idempotent. */
  close(): void;
}

const BLANK = /^\s*$/;

export function watchStream<T>(req: ClientRequest, res: IncomingMessage): WatchStream<T> {
  const queue: WatchEvent<T>[] = [];
  let failure: Error | null = null;
  let ended = false;
  let closed = false;
  let wake: (() => void) | null = null;
  let buf = '';
  const notify = () => { const w = wake; wake = null; w?.(); };

  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buf = buf ? buf + chunk : chunk;
    // Lines are cut by index, and the rest kept once per chunk: a chunk of thousands of events (an
    // initial listing) is not copied again for every line taken off its front.
    let start = 0;
    let nl: number;
    while ((nl = buf.indexOf('\n', start)) >= 0) {
      const line = buf.slice(start, nl);
      start = nl + 1;
      if (BLANK.test(line)) continue;
      try {
        queue.push(JSON.parse(line) as WatchEvent<T>);
      } catch {
        failure ??= new WatchDroppedError(`undecodable watch event: ${line.trim().slice(0, 200)}`);
        req.destroy();
      }
    }
    if (start > 0) buf = buf.slice(start);
    notify();
  });
  const finish = (err?: Error) => {
    if (ended) return;
    ended = true;
    if (!closed && (err || !res.complete)) failure ??= new WatchDroppedError(`watch connection dropped: ${err?.message ?? 'incomplete response'}`);
    notify();
  };
  res.on('end', () => finish());
  res.on('close', () => finish());
  res.on('error', (e) => finish(e));
  req.on('error', (e) => finish(e));

  return {
    close() {
      if (closed) return;
      closed = true;
      req.destroy();
      ended = true;
      notify();
    },
    [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
      return {
        next: async (): Promise<IteratorResult<WatchEvent<T>>> => {
          for (;;) {
            if (closed) return { done: true, value: undefined };
            const ev = queue.shift();
            if (ev) return { done: false, value: ev };
            if (ended) {
              if (failure) { const f = failure; failure = null; throw f; }
              return { done: true, value: undefined };
            }
            await new Promise<void>((r) => { wake = r; });
          }
        },
        return: async () => {
          if (!closed) { closed = true; req.destroy(); ended = true; }
          return { done: true, value: undefined };
        },
      };
    },
  };
}

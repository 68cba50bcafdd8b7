// Many concurrent HTTP watch streams, each on its own connection (as separate informers would be),
// recording when each one receives the event for each object name. Events are not JSON-parsed:
// the load generator shares the machine with the server, so it does as little work per event as
// it can (a byte search for the name).
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Watchers {
  /** Receive times, by what follows the marker, one entry per watcher that has seen it. */
  received: Map<string, number[]>;
  /** Streams that ended or failed before close() (should stay 0). */
  broken(): number;
  close(): void;
}

/**
 * Opens n watches on url (a `?watch=1&resourceVersion=...` URL) and resolves once every one has
 * its response headers (the server has registered it by then). An event is recorded under what
 * follows `marker` (e.g. `"name":"w-` records pod w-12 as "12") up to the next quote.
 */
export async function openWatchers(url: string, n: number, marker: string, timeoutMs = 60_000): Promise<Watchers> {
  const mark = Buffer.from(marker);
  // Enough of a chunk's end to hold a marker and a name cut off by the chunk boundary.
  const keep = mark.length + 32;
  const received = new Map<string, number[]>();
  const requests: http.ClientRequest[] = [];
  let broken = 0;
  let closing = false;
  const deadline = Date.now() + timeoutMs;
  const openOne = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.get(url, { agent: false, headers: { Accept: 'application/json' } }, (res) => {
        if (res.statusCode !== 200) { reject(new Error(`watch: HTTP ${res.statusCode}`)); res.resume(); return; }
        let tail: Buffer = Buffer.alloc(0);
        res.on('data', (chunk: Buffer) => {
          const now = performance.now();
          const buf = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
          let done = -1;
          for (let i = buf.indexOf(mark); i >= 0; i = buf.indexOf(mark, done)) {
            const end = buf.indexOf(0x22, i + mark.length);
            if (end < 0) break; // cut off: seen again with the next chunk
            const name = buf.toString('latin1', i + mark.length, end);
            let times = received.get(name);
            if (!times) received.set(name, (times = []));
            times.push(now);
            done = end;
          }
          tail = buf.subarray(Math.max(done + 1, buf.length - keep));
        });
        res.on('end', () => { if (!closing) broken++; });
        res.on('error', () => { if (!closing) broken++; });
        resolve();
      });
      req.on('error', (err) => { if (!closing) { broken++; reject(err); } });
      requests.push(req);
    });
  const close = () => {
    closing = true;
    for (const r of requests) r.destroy();
  };
  try {
    // In batches, so the server's accept backlog never overflows.
    for (let opened = 0; opened < n; opened += 100) {
      if (Date.now() > deadline) throw new Error(`opening ${n} watchers took over ${timeoutMs} ms`);
      await Promise.all(Array.from({ length: Math.min(100, n - opened) }, openOne));
    }
  } catch (err) {
    close();
    throw err;
  }
  return { received, broken: () => broken, close };
}

// Many concurrent HTTP watch streams, each on its own connection (as separate informers would be),
// recording when each one receives the event for each object name. Lines are not JSON-parsed: the
// load generator shares the machine with the server, so it does as little work per event as it can.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Watchers {
  /** Receive times, by object name, one entry per watcher that has seen it. */
  received: Map<string, number[]>;
  /** Streams that ended or failed before close() (should stay 0). */
  broken(): number;
  close(): void;
}

/**
 * Opens n watches on url (a `?watch=1&resourceVersion=...` URL) and resolves once every one has
 * its response headers (the server has registered it by then). Object names are found with
 * nameRe, whose first group is the name.
 */
export async function openWatchers(url: string, n: number, nameRe: RegExp, timeoutMs = 60_000): Promise<Watchers> {
  const received = new Map<string, number[]>();
  const requests: http.ClientRequest[] = [];
  let broken = 0;
  let closing = false;
  const deadline = Date.now() + timeoutMs;
  const openOne = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.get(url, { agent: false, headers: { Accept: 'application/json' } }, (res) => {
        if (res.statusCode !== 200) { reject(new Error(`watch: HTTP ${res.statusCode}`)); res.resume(); return; }
        let carry = '';
        res.on('data', (chunk: Buffer) => {
          const now = performance.now();
          const lines = (carry + chunk.toString()).split('\n');
          carry = lines.pop()!;
          for (const line of lines) {
            const m = nameRe.exec(line);
            if (!m) continue;
            let times = received.get(m[1]!);
            if (!times) received.set(m[1]!, (times = []));
            times.push(now);
          }
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

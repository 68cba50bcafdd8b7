// Steady client traffic for end-to-end tests, run inside the server's network namespace (nsenter):
//   node http-probe.js URL INTERVAL_MS
// GETs URL over a fresh connection every INTERVAL_MS from each of three clients (so the proxy picks a backend each time) and
// prints "<ms since epoch when the request was sent> <ms it took> <body>" per answer ("ERR:<code>"
// for a body when it failed). Runs until killed: tests read when traffic moved from these
// timestamps without paying a process start per request.
import http from 'node:http';

const [url, intervalText = '10'] = process.argv.slice(2);
const interval = Number(intervalText);
if (!url || !Number.isFinite(interval)) {
  process.stderr.write('usage: http-probe URL INTERVAL_MS\n');
  process.exit(2);
}

// Longer than TCP's initial retransmission timeout (1 s): a SYN the backend dropped once (its
// accept queue full on a loaded machine) is retried and answered, as any client would see it; a
// connection the proxy sent to a backend that is gone still fails, as ERR:timeout.
const TIMEOUT_MS = 3000;

function once(): Promise<string> {
  // A failure names its cause: ERR:ECONNREFUSED, ERR:timeout, ERR:500...
  return new Promise((resolve) => {
    const req = http.get(url!, { agent: false, timeout: TIMEOUT_MS, headers: { Connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve(res.statusCode === 200 ? body.trim() : `ERR:${res.statusCode}`));
      res.on('error', () => resolve('ERR:response'));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(`ERR:${err.code ?? 'error'}`));
  });
}

process.stdout.on('error', () => process.exit(0)); // the test went away
// Three clients side by side: one request stalled on a retransmitted SYN must not leave a second
// without traffic, which would read as the proxy not following.
const client = async (): Promise<never> => {
  for (;;) {
    const sent = Date.now();
    const name = await once();
    process.stdout.write(`${sent} ${Date.now() - sent} ${name}\n`);
    await new Promise((r) => setTimeout(r, interval));
  }
};
await Promise.all([client(), client(), client()]);

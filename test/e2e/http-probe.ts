// Steady client traffic for end-to-end tests, run inside the server's network namespace (nsenter):
//   node http-probe.js URL INTERVAL_MS
// GETs URL over a fresh connection every INTERVAL_MS (so the proxy picks a backend each time) and
// prints "<ms since epoch> <body>" per answer ("<ms> " when it failed). Runs until killed: tests
// read when traffic moved from these timestamps without paying a process start per request.
import http from 'node:http';

const [url, intervalText = '10'] = process.argv.slice(2);
const interval = Number(intervalText);
if (!url || !Number.isFinite(interval)) {
  process.stderr.write('usage: http-probe URL INTERVAL_MS\n');
  process.exit(2);
}

function once(): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get(url!, { agent: false, timeout: 1000, headers: { Connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve(res.statusCode === 200 ? body.trim() : ''));
      res.on('error', () => resolve(''));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(''));
  });
}

process.stdout.on('error', () => process.exit(0)); // the test went away
for (;;) {
  const name = await once();
  process.stdout.write(`${Date.now()} ${name}\n`);
  await new Promise((r) => setTimeout(r, interval));
}

// npm run bench http-floor [-- --requests 20000] [-- --rounds 3]
// What one HTTP request costs in CPU on this machine with Node's own stacks, with nothing of ours
// in it: a server that reads a small JSON body and answers a 1 KB one (the size of a Binding's
// Status or a created Pod), and a client in a worker thread keeping 200 requests in flight, as
// the scheduler bench's binder does. HTTP/1.1 keep-alive (node:http, 32 pooled connections, as
// RestClient) against HTTP/2 (node:http2, one multiplexed session, as client-go uses), rounds
// alternated within one run. The scheduler bench spends three such requests per pod (create,
// binding, Scheduled event), so this is the floor under its CPU per pod.
// Writes bench/results/http-floor-<date>.json.
import http from 'node:http';
import http2 from 'node:http2';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

type Mode = 'http1' | 'http2';
const CONCURRENCY = 200;
const RESPONSE = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201, details: { name: 'pod-1', kind: 'pods' }, message: 'x'.repeat(850) });
const REQUEST = JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'pod-1', namespace: 'ns', uid: '6f1c2a3e-0000-4000-8000-000000000000' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } });
const PATH = '/api/v1/namespaces/ns/pods/pod-1/binding';

/** CPU ms of the main thread (the server), from /proc: the process total includes the client thread. */
function mainThreadCpuMs(): number {
  const s = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}
const processCpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/** Reads a response (or request) body to its end and parses it, as a real client would. */
function readJson(stream: { setEncoding(e: BufferEncoding): unknown; on(ev: string, f: (c: string) => void): unknown }, done: () => void): void {
  let body = '';
  stream.setEncoding('utf8');
  stream.on('data', (c: string) => { body += c; });
  stream.on('end', () => { JSON.parse(body); done(); });
}

async function clientThread(mode: Mode, port: number, n: number): Promise<void> {
  let one: () => Promise<void>;
  let close = () => {};
  if (mode === 'http1') {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    close = () => agent.destroy();
    one = () => new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: PATH, agent, headers: { 'Content-Type': 'application/json', Accept: 'application/json' } }, (res) => readJson(res, resolve));
      req.on('error', reject);
      req.end(REQUEST);
    });
  } else {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    close = () => session.close();
    one = () => new Promise((resolve, reject) => {
      const req = session.request({ ':method': 'POST', ':path': PATH, 'content-type': 'application/json', accept: 'application/json' });
      readJson(req, resolve);
      req.on('error', reject);
      req.end(REQUEST);
    });
  }
  let started = 0;
  const lane = async () => { while (started < n) { started++; await one(); } };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  close();
}

interface Round { mode: Mode; requests: number; perSec: number; serverUsPerReq: number; processUsPerReq: number; clientAndHelpersUsPerReq: number }

async function round(mode: Mode, n: number): Promise<Round> {
  const handler = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => {
    readJson(req, () => {
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(RESPONSE);
    });
  };
  const server = mode === 'http1' ? http.createServer({ keepAliveTimeout: 65_000 }, handler) : http2.createServer({}, handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const t0 = performance.now();
  const s0 = mainThreadCpuMs();
  const p0 = processCpuMs();
  const worker = new Worker(new URL(import.meta.url), { workerData: { mode, port, n } });
  await new Promise<void>((resolve, reject) => {
    worker.on('message', () => resolve());
    worker.on('error', reject);
    worker.on('exit', (code) => { if (code !== 0) reject(new Error(`client thread exited with ${code}`)); });
  });
  const wall = performance.now() - t0;
  const server_ = mainThreadCpuMs() - s0;
  const proc = processCpuMs() - p0;
  await worker.terminate();
  await new Promise<void>((r) => { server.close(() => r()); (server as http.Server).closeAllConnections?.(); });
  const us = (ms: number) => Math.round((ms / n) * 1000);
  return { mode, requests: n, perSec: Math.round((n / wall) * 1000), serverUsPerReq: us(server_), processUsPerReq: us(proc), clientAndHelpersUsPerReq: us(proc - server_) };
}

if (!isMainThread) {
  const { mode, port, n } = workerData as { mode: Mode; port: number; n: number };
  await clientThread(mode, port, n);
  parentPort!.postMessage('done');
} else {
  const args = process.argv.slice(2);
  const opt = (name: string, d: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : d);
  const n = opt('--requests', 20_000);
  const rounds = opt('--rounds', 3);
  await round('http1', 2_000); // warm both stacks' code before measuring
  await round('http2', 2_000);
  const results: Round[] = [];
  for (let i = 0; i < rounds; i++) for (const mode of ['http1', 'http2'] as const) results.push(await round(mode, n));
  console.log('mode     req/s  server us/req  client+helpers us/req  process us/req');
  for (const r of results) console.log(`${r.mode.padEnd(6)} ${String(r.perSec).padStart(7)} ${String(r.serverUsPerReq).padStart(14)} ${String(r.clientAndHelpersUsPerReq).padStart(22)} ${String(r.processUsPerReq).padStart(15)}`);
  const median = (m: Mode) => { const xs = results.filter((r) => r.mode === m).map((r) => r.processUsPerReq).sort((a, b) => a - b); return xs[Math.floor(xs.length / 2)]!; };
  console.log(`median process CPU per request: http1 ${median('http1')} us, http2 ${median('http2')} us; three requests per scheduled pod: ${((3 * median('http1')) / 1000).toFixed(2)} ms of CPU per pod (http1)`);
  const dir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `http-floor-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ bench: 'http-floor', date: new Date().toISOString(), cpus: cpus().length, loadavg: loadavg(), concurrency: CONCURRENCY, results }, null, 2));
  console.log(`wrote ${file}`);
}

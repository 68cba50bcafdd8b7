// A TCP throughput and connect-latency probe that the network bench runs inside a pod's network
// namespace (`nsenter --net=/proc/<pid>/ns/net node tcp-probe.js ...`). busybox `nc` in the demo
// image tops out far below what a veth pair carries, so it measured itself rather than the pod
// network; this probe moves 1 MiB writes and keeps the sender's socket busy.
//   node tcp-probe.js serve PORT            sink: reads and discards; answers "<bytes>\n" at EOF
//   node tcp-probe.js send HOST PORT MIB    prints {"mibPerSec":..,"ms":..}
//   node tcp-probe.js connect HOST PORT N   prints {"connectMs":..} (mean of N connect+close)
import { createConnection, createServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

const [mode, a, b, c] = process.argv.slice(2);

function serve(port: number): void {
  const server = createServer((s) => {
    let bytes = 0;
    s.on('data', (chunk: Buffer) => { bytes += chunk.length; });
    s.on('end', () => s.end(`${bytes}\n`));
    s.on('error', () => s.destroy());
  });
  server.listen(port, '0.0.0.0', () => process.stdout.write(`listening ${port}\n`));
}

function connect(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host, port, noDelay: true });
    const t = setTimeout(() => { s.destroy(); reject(new Error(`connect ${host}:${port} timed out`)); }, 5000);
    s.once('connect', () => { clearTimeout(t); resolve(s); });
    s.once('error', (e) => { clearTimeout(t); reject(e); });
  });
}

async function send(host: string, port: number, mib: number): Promise<void> {
  const chunk = Buffer.alloc(1 << 20, 7);
  const s = await connect(host, port);
  const t0 = performance.now();
  const reply = new Promise<string>((resolve, reject) => {
    let text = '';
    s.on('data', (d: Buffer) => { text += d.toString(); });
    s.on('end', () => resolve(text.trim()));
    s.on('error', reject);
  });
  for (let i = 0; i < mib; i++) {
    if (!s.write(chunk)) await new Promise((r) => s.once('drain', r));
  }
  s.end();
  // The sink answers only after it has read every byte: the clock stops at delivery, not at send.
  const got = Number(await reply);
  const ms = performance.now() - t0;
  if (got !== mib * chunk.length) throw new Error(`sink received ${got} of ${mib * chunk.length} bytes`);
  process.stdout.write(JSON.stringify({ mibPerSec: mib / (ms / 1000), ms }) + '\n');
}

async function connects(host: string, port: number, n: number): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = await connect(host, port);
    s.resume(); // read the sink's answer, or its EOF (and so 'close') never comes
    s.end();
    await new Promise((r) => s.once('close', r));
  }
  process.stdout.write(JSON.stringify({ connectMs: (performance.now() - t0) / n }) + '\n');
}

const deadline = setTimeout(() => { process.stderr.write('tcp-probe: no result within 120 s\n'); process.exit(2); }, 120_000);
const done = () => clearTimeout(deadline);
if (mode === 'serve') { done(); serve(Number(a)); }
else if (mode === 'send') send(a!, Number(b), Number(c)).then(done, (e) => { process.stderr.write(`${String(e)}\n`); process.exit(1); });
else if (mode === 'connect') connects(a!, Number(b), Number(c)).then(done, (e) => { process.stderr.write(`${String(e)}\n`); process.exit(1); });
else { process.stderr.write('usage: tcp-probe serve PORT | send HOST PORT MIB | connect HOST PORT N\n'); process.exit(2); }

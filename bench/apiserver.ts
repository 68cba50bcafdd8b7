// npm run bench apiserver [-- --seconds N]
// The API server (`k8ts apiserver`, a child process, so RSS is its own) on the embedded store and
// on a real etcd 3.4, side by side in one run; load from this process over HTTP keep-alive:
// pod creates with 32 concurrent clients, creates paced at 500/s, gets, a list of 10,000 pods
// (JSON, full list, time to last byte), delivery of an event to 1,000 concurrent watchers, and the
// server's RSS with 10,000 pods stored. Each phase runs on both servers back to back, so both see
// the same machine load. Prints a table, writes JSON to bench/results/apiserver-<ISO date>.json.
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startEtcd } from '../test/helpers/etcd.js';
import { closedLoop, expectStatus, paced, percentile, request, type LatencyFigures } from './lib/http-load.js';
import { startApiServer, type ServerProcess } from './lib/server-process.js';
import { openWatchers } from './lib/watchers.js';

const args = process.argv.slice(2);
const secondsArg = args.indexOf('--seconds');
const PHASE_MS = (secondsArg >= 0 ? Number(args[secondsArg + 1]) : 5) * 1000;
const NS = 'bench';
const PODS = 10_000;
const CLIENTS = 32;
const PACED_RATE = 500;
const PACED_COUNT = Math.round((PACED_RATE * PHASE_MS) / 1000);
const WATCHERS = 1000;
const WATCH_WRITES = 100;

interface Figures {
  create32: LatencyFigures;
  createPaced500: LatencyFigures;
  get32: LatencyFigures;
  list10k: { medianMs: number; bestMs: number; bytes: number; items: number };
  list10kCache: { medianMs: number; bestMs: number };
  rss: { rssMiB: number; peakMiB: number; pods: number };
  /** Server CPU (ms) per create (32 clients), per full list from the store, per watched write. */
  serverCpu: { perCreateMs: number; perListMs: number; perWatchedWriteMs: number };
  watch1000: { fromAckP50Ms: number; fromAckP99Ms: number; fromSendP99Ms: number; maxMs: number; samples: number; deliveredBeforeAck: number };
}

interface Target {
  server: ServerProcess;
  agent: http.Agent;
  pods: string;
}

function pod(name: string): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels: { app: 'bench', tier: 'load' }, annotations: { 'bench.k8ts.io/run': 'apiserver' } },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'registry.k8s.io/pause:3.9',
          ports: [{ containerPort: 8080, name: 'http' }],
          env: [{ name: 'MODE', value: 'bench' }],
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
        },
      ],
    },
  };
}

async function create(t: Target, name: string): Promise<void> {
  expectStatus(await request(t.agent, t.pods, 'POST', pod(name)), 201, `create pod ${name}`);
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();

async function timedLists(t: Target, url: string, runs: number): Promise<{ times: number[]; body: Buffer }> {
  const times: number[] = [];
  let body: Buffer = Buffer.alloc(0);
  for (let i = 0; i < runs; i++) {
    gc();
    const r = expectStatus(await request(t.agent, url, 'GET'), 200, 'list pods');
    times.push(r.ms);
    body = r.body;
  }
  times.sort((a, b) => a - b);
  return { times, body };
}

type Phase<T> = (name: string, t: Target) => Promise<T>;

async function measureSideBySide(targets: Record<string, Target>): Promise<Record<string, Figures>> {
  const out: Record<string, Partial<Figures>> = {};
  const step = async (label: string, phase: Phase<void>) => {
    for (const [name, t] of Object.entries(targets)) {
      process.stderr.write(`[${name}] ${label}\n`);
      await phase(name, t);
    }
  };
  const each = <K extends keyof Figures>(figure: K, label: string, phase: Phase<Figures[K]>) =>
    step(label, async (name, t) => { (out[name] ??= {})[figure] = await phase(name, t); });
  const created: Record<string, string[]> = {};
  const note = (name: string, pod: string) => (created[name] ??= []).push(pod);

  await step(`namespace ${NS}`, async (_, t) => {
    expectStatus(await request(t.agent, `${t.server.url}/api/v1/namespaces`, 'POST', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }), 201, 'create namespace');
  });
  const cpu: Record<string, Figures['serverCpu']> = {};
  await each('create32', `create pods, ${CLIENTS} clients`, async (name, t) => {
    const c0 = t.server.cpuMs();
    const f = await closedLoop(CLIENTS, PHASE_MS, PODS / 2, async (i) => { await create(t, `c-${i}`); note(name, `c-${i}`); });
    cpu[name] = { perCreateMs: (t.server.cpuMs() - c0) / f.ops, perListMs: NaN, perWatchedWriteMs: NaN };
    return f;
  });
  await each('createPaced500', `create pods paced at ${PACED_RATE}/s`, (name, t) =>
    paced(PACED_RATE, PACED_COUNT, async (i) => { await create(t, `p-${i}`); note(name, `p-${i}`); }),
  );
  await step(`fill to ${PODS} pods`, async (name, t) => {
    const missing = PODS - created[name]!.length;
    await closedLoop(CLIENTS, 10 * 60_000, missing, async (i) => { await create(t, `f-${i}`); note(name, `f-${i}`); });
  });
  await each('get32', `get pods, ${CLIENTS} clients`, (name, t) => {
    const names = created[name]!;
    return closedLoop(CLIENTS, PHASE_MS / 2, Infinity, async (i) => {
      expectStatus(await request(t.agent, `${t.pods}/${names[(i * 7919) % names.length]}`, 'GET'), 200, 'get pod');
    });
  });
  const listRv: Record<string, string> = {};
  await each('list10k', `list ${PODS} pods`, async (name, t) => {
    const c0 = t.server.cpuMs();
    const { times, body } = await timedLists(t, t.pods, 5);
    cpu[name]!.perListMs = (t.server.cpuMs() - c0) / 5;
    const list = JSON.parse(body.toString()) as { items: unknown[]; metadata: { resourceVersion: string } };
    if (list.items.length !== PODS) throw new Error(`${name}: the list returned ${list.items.length} pods, expected ${PODS}`);
    listRv[name] = list.metadata.resourceVersion;
    return { medianMs: percentile(times, 50), bestMs: times[0]!, bytes: body.length, items: list.items.length };
  });
  await each('list10kCache', `list ${PODS} pods, resourceVersion=0 (watch cache)`, async (_, t) => {
    const { times } = await timedLists(t, `${t.pods}?resourceVersion=0`, 5);
    return { medianMs: percentile(times, 50), bestMs: times[0]! };
  });
  await each('rss', 'server RSS', async (name, t) => {
    await new Promise((r) => setTimeout(r, 1000));
    return { ...t.server.rss(), pods: created[name]!.length };
  });
  await each('watch1000', `event delivery to ${WATCHERS} watchers`, (name, t) => watchDelivery(t, listRv[name]!, cpu[name]!));
  for (const name of Object.keys(targets)) out[name]!.serverCpu = cpu[name]!;
  return out as Record<string, Figures>;
}

/** One write at a time; latency = write acknowledged (its HTTP response) → each watcher has the event. */
async function watchDelivery(t: Target, fromRv: string, cpu: Figures['serverCpu']): Promise<Figures['watch1000']> {
  const watchers = await openWatchers(`${t.pods}?watch=1&resourceVersion=${fromRv}`, WATCHERS, '"name":"w-');
  const c0 = t.server.cpuMs();
  const fromAck: number[] = [];
  const fromSend: number[] = [];
  let beforeAck = 0;
  try {
    for (let i = 0; i < WATCH_WRITES; i++) {
      const name = String(i);
      gc();
      const sent = performance.now();
      await create(t, `w-${i}`);
      const acked = performance.now();
      const deadline = acked + 10_000;
      while ((watchers.received.get(name)?.length ?? 0) < WATCHERS) {
        if (watchers.broken() > 0) throw new Error(`${watchers.broken()} watch streams ended early`);
        if (performance.now() > deadline) throw new Error(`event for w-${name} reached ${watchers.received.get(name)?.length ?? 0}/${WATCHERS} watchers in 10 s`);
        await new Promise((r) => setImmediate(r));
      }
      for (const at of watchers.received.get(name)!) {
        if (at < acked) beforeAck++;
        fromAck.push(Math.max(0, at - acked));
        fromSend.push(at - sent);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    cpu.perWatchedWriteMs = (t.server.cpuMs() - c0) / WATCH_WRITES;
  } finally {
    watchers.close();
  }
  fromAck.sort((a, b) => a - b);
  fromSend.sort((a, b) => a - b);
  return {
    fromAckP50Ms: percentile(fromAck, 50),
    fromAckP99Ms: percentile(fromAck, 99),
    fromSendP99Ms: percentile(fromSend, 99),
    maxMs: fromAck.at(-1)!,
    samples: fromAck.length,
    deliveredBeforeAck: beforeAck,
  };
}

const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '-');

async function main(): Promise<void> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-apiserver-'));
  const servers: ServerProcess[] = [];
  const agents: http.Agent[] = [];
  let results: Record<string, Figures>;
  const cluster = await startEtcd();
  try {
    const target = async (store: string, sub: string): Promise<Target> => {
      const server = await startApiServer(store, join(dir, sub));
      servers.push(server);
      // Idle sockets are dropped before the server's 5 s keep-alive timeout would close them under
      // a request just being sent (ECONNRESET).
      const agent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });
      agents.push(agent);
      return { server, agent, pods: `${server.url}/api/v1/namespaces/${NS}/pods` };
    };
    const targets = {
      embedded: await target(`sqlite:${join(dir, 'embedded', 'store.db')}`, 'embedded'),
      etcd: await target(`etcd:${cluster.endpoints.join(',')}`, 'etcd'),
    };
    try {
      results = await measureSideBySide(targets);
    } catch (err) {
      for (const s of servers) process.stderr.write(`--- server ${s.url} log tail ---\n${s.logTail()}\n`);
      throw err;
    }
  } finally {
    for (const a of agents) a.destroy();
    await Promise.all(servers.map((s) => s.stop()));
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const goals = (f: Figures) => [
    { goal: `create p99 at ${PACED_RATE}/s ≤ 25 ms`, value: f.createPaced500.p99Ms, pass: f.createPaced500.p99Ms <= 25 },
    { goal: `list of ${PODS} pods ≤ 250 ms`, value: f.list10k.medianMs, pass: f.list10k.medianMs <= 250 },
    { goal: `delivery to ${WATCHERS} watchers p99 ≤ 100 ms`, value: f.watch1000.fromAckP99Ms, pass: f.watch1000.fromAckP99Ms <= 100 },
    { goal: `RSS with ${PODS} pods ≤ 400 MiB`, value: f.rss.rssMiB, pass: f.rss.rssMiB <= 400 },
  ];
  const e = results.embedded!;
  const t = results.etcd!;
  const ge = goals(e);
  const gt = goals(t);
  const pf = (i: number) => `${ge[i]!.pass ? 'pass' : 'MISS'} / ${gt[i]!.pass ? 'pass' : 'MISS'}`;
  const rows: string[][] = [
    [`creates/s, ${CLIENTS} clients`, fmt(e.create32.opsPerSec), fmt(t.create32.opsPerSec), '', ''],
    ['  p50 / p99 (ms)', `${fmt(e.create32.p50Ms, 1)} / ${fmt(e.create32.p99Ms, 1)}`, `${fmt(t.create32.p50Ms, 1)} / ${fmt(t.create32.p99Ms, 1)}`, '', ''],
    [`create p99 at ${PACED_RATE}/s (ms; p50)`, `${fmt(e.createPaced500.p99Ms, 1)} (${fmt(e.createPaced500.p50Ms, 1)})`, `${fmt(t.createPaced500.p99Ms, 1)} (${fmt(t.createPaced500.p50Ms, 1)})`, '≤ 25 ms', pf(0)],
    [`get p99, ${CLIENTS} clients (ms; gets/s)`, `${fmt(e.get32.p99Ms, 1)} (${fmt(e.get32.opsPerSec)})`, `${fmt(t.get32.p99Ms, 1)} (${fmt(t.get32.opsPerSec)})`, '', ''],
    [`list ${PODS} pods (ms, median / best)`, `${fmt(e.list10k.medianMs)} / ${fmt(e.list10k.bestMs)}`, `${fmt(t.list10k.medianMs)} / ${fmt(t.list10k.bestMs)}`, '≤ 250 ms', pf(1)],
    ['  resourceVersion=0, from the watch cache', `${fmt(e.list10kCache.medianMs)} / ${fmt(e.list10kCache.bestMs)}`, `${fmt(t.list10kCache.medianMs)} / ${fmt(t.list10kCache.bestMs)}`, '', ''],
    [`watch, ${WATCHERS} watchers, ack → delivered p99 (ms)`, fmt(e.watch1000.fromAckP99Ms, 1), fmt(t.watch1000.fromAckP99Ms, 1), '≤ 100 ms', pf(2)],
    ['  p50; send → delivered p99 (ms)', `${fmt(e.watch1000.fromAckP50Ms, 1)}; ${fmt(e.watch1000.fromSendP99Ms, 1)}`, `${fmt(t.watch1000.fromAckP50Ms, 1)}; ${fmt(t.watch1000.fromSendP99Ms, 1)}`, '', ''],
    ['server CPU per create (ms)', fmt(e.serverCpu.perCreateMs, 2), fmt(t.serverCpu.perCreateMs, 2), '', ''],
    [`server CPU per list of ${PODS} (ms)`, fmt(e.serverCpu.perListMs), fmt(t.serverCpu.perListMs), '', ''],
    [`server CPU per write watched by ${WATCHERS} (ms)`, fmt(e.serverCpu.perWatchedWriteMs, 1), fmt(t.serverCpu.perWatchedWriteMs, 1), '', ''],
    [`server RSS, ${PODS} pods (MiB; peak)`, `${fmt(e.rss.rssMiB)} (${fmt(e.rss.peakMiB)})`, `${fmt(t.rss.rssMiB)} (${fmt(t.rss.peakMiB)})`, '≤ 400 MiB', pf(3)],
  ];
  const head = ['figure', 'embedded (sqlite)', 'etcd 3.4', 'goal', 'embedded / etcd'];
  const widths = head.map((_, c) => Math.max(...[head, ...rows].map((r) => r[c]!.length)));
  const line = (r: string[]) => '| ' + r.map((x, i) => x.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(line(head));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
  console.log(`\nwhole run: ${fmt((performance.now() - started) / 1000)} s; load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs`);

  const date = new Date().toISOString();
  const outDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `apiserver-${date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        bench: 'apiserver',
        date,
        phaseMs: PHASE_MS,
        machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadAverage: loadavg() },
        results,
        goals: { embedded: ge, etcd: gt },
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`wrote ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

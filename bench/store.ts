// npm run bench store [-- --seconds N]
// The embedded store (SQLite, temp file) and etcd (real, single member, temp dir) side by side in
// one run: durable put throughput with 1 and 64 writers, get throughput and p99, a list of 10,000
// keys, and watch delivery latency with 100 watchers. Each figure is measured on both stores back
// to back (not one store's whole run, then the other's), so both see the same machine load.
// Prints a table, writes JSON to bench/results/store-<ISO date>.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { openEtcdStore } from '../src/storage/etcd/index.js';
import { openSqliteStore } from '../src/storage/sqlite/index.js';
import type { Store, WatchEvent } from '../src/storage/types.js';
import { startEtcd } from '../test/helpers/etcd.js';

interface Figures {
  put1: Throughput;
  put64: Throughput;
  get64: Throughput;
  /** cpuMedian: this process's CPU time (all threads) during the list: for the embedded store the
   *  whole cost, and less at the mercy of other load on the machine than the wall time. */
  list10kMs: { median: number; best: number; keys: number; cpuMedian: number };
  watch100: { p50: number; p99: number; max: number; samples: number };
}
interface Throughput {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ops: number;
}

const args = process.argv.slice(2);
const secondsArg = args.indexOf('--seconds');
const PHASE_MS = (secondsArg >= 0 ? Number(args[secondsArg + 1]) : 3) * 1000;
const VALUE = Buffer.alloc(1024, 'k');
const LIST_KEYS = 10_000;
const WATCHERS = 100;
const WATCH_WRITES = 300;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** `writers` loops each doing op(i) back to back for PHASE_MS. */
async function throughput(writers: number, op: (i: number) => Promise<unknown>): Promise<Throughput> {
  gc();
  const lat: number[] = [];
  let next = 0;
  const end = performance.now() + PHASE_MS;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        await op(next++);
        lat.push(performance.now() - s);
      }
    }),
  );
  const elapsed = performance.now() - t0;
  lat.sort((a, b) => a - b);
  return { opsPerSec: Math.round((lat.length / elapsed) * 1000), p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99), ops: lat.length };
}

async function fill(store: Store, prefix: string, n: number): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (i < n) {
        const k = i++;
        await store.create(`${prefix}${String(k).padStart(6, '0')}`, VALUE);
      }
    }),
  );
}

type Phase<T> = (name: string, store: Store) => Promise<T>;

/** Runs each phase on every store back to back, so both see the same machine load. */
async function measureSideBySide(stores: Record<string, Store>): Promise<Record<string, Figures>> {
  const out: Record<string, Partial<Figures>> = {};
  const each = async <K extends keyof Figures>(figure: K, label: string, phase: Phase<Figures[K]>) => {
    for (const [name, store] of Object.entries(stores)) {
      process.stderr.write(`[${name}] ${label}\n`);
      (out[name] ??= {})[figure] = await phase(name, store);
    }
  };
  await each('put1', 'put, 1 writer', (_, s) => throughput(1, (i) => s.create(`/bench/put1/${i}`, VALUE)));
  await each('put64', 'put, 64 writers', (_, s) => throughput(64, (i) => s.create(`/bench/put64/${i}`, VALUE)));
  await each('get64', 'get, 64 readers', (name, s) => {
    const n = Math.max(1, out[name]!.put64!.ops);
    return throughput(64, (i) => s.get(`/bench/put64/${(i * 7919) % n}`));
  });
  await each('list10kMs', `list of ${LIST_KEYS} keys`, async (name, s) => {
    await fill(s, '/bench/list/', LIST_KEYS);
    const times: number[] = [];
    const cpu: number[] = [];
    let keys = 0;
    for (let r = 0; r < 7; r++) {
      gc();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const res = await s.list('/bench/list/');
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      keys = res.kvs.length;
    }
    if (keys !== LIST_KEYS) throw new Error(`${name}: list returned ${keys} keys, expected ${LIST_KEYS}`);
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    return { median: percentile(times, 50), best: times[0]!, keys, cpuMedian: percentile(cpu, 50) };
  });
  await each('watch100', `watch latency, ${WATCHERS} watchers`, (_, s) => watchLatency(s));
  return out as Record<string, Figures>;
}

/** One write at a time; latency = write started → event delivered to each of the watchers. */
async function watchLatency(store: Store): Promise<Figures['watch100']> {
  gc();
  const started = new Map<string, number>();
  const samples: number[] = [];
  let delivered = 0;
  let failure: Error | null = null;
  const from = await store.currentRevision();
  const watches = Array.from({ length: WATCHERS }, () =>
    store.watch('/bench/watch/', from, {
      onEvents: (evs: WatchEvent[]) => {
        const now = performance.now();
        for (const e of evs) {
          const s = started.get(e.kv.key);
          if (s !== undefined) samples.push(now - s);
          delivered++;
        }
      },
      onError: (err) => (failure = err),
    }),
  );
  try {
    await new Promise((r) => setTimeout(r, 200)); // let every watch be established
    for (let i = 0; i < WATCH_WRITES; i++) {
      const key = `/bench/watch/${i}`;
      started.set(key, performance.now());
      await store.create(key, VALUE);
      const want = (i + 1) * WATCHERS;
      const deadline = Date.now() + 10_000;
      while (delivered < want) {
        if (failure) throw failure;
        if (Date.now() > deadline) throw new Error(`watch delivery stalled at ${delivered}/${want}`);
        await new Promise((r) => setImmediate(r));
      }
    }
  } finally {
    for (const w of watches) w.cancel();
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.at(-1)!, samples: samples.length };
}

const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '-');

async function main(): Promise<void> {
  let results: Record<string, Figures>;
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-store-'));
  const cluster = await startEtcd();
  try {
    const sqlite = openSqliteStore({ path: join(dir, 'store.db') });
    const etcd = await openEtcdStore({ endpoints: cluster.endpoints });
    try {
      results = await measureSideBySide({ embedded: sqlite, etcd });
    } finally {
      await sqlite.close();
      await etcd.close();
    }
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const e = results.embedded!;
  const t = results.etcd!;
  const goals = [
    { goal: 'embedded put, 64 writers ≥ 2× etcd', value: e.put64.opsPerSec / t.put64.opsPerSec, pass: e.put64.opsPerSec >= 2 * t.put64.opsPerSec },
    { goal: 'embedded put, 1 writer ≥ 1× etcd', value: e.put1.opsPerSec / t.put1.opsPerSec, pass: e.put1.opsPerSec >= t.put1.opsPerSec },
    { goal: 'embedded list of 10,000 ≤ 50 ms', value: e.list10kMs.median, pass: e.list10kMs.median <= 50 },
    { goal: 'embedded watch p99 ≤ 5 ms (100 watchers)', value: e.watch100.p99, pass: e.watch100.p99 <= 5 },
  ];

  const rows: [string, string, string, string][] = [
    ['put 1 KiB, 1 writer (puts/s)', fmt(e.put1.opsPerSec), fmt(t.put1.opsPerSec), `embedded ≥ 1× etcd: ${fmt(goals[1]!.value, 2)}×`],
    ['  p50 / p99 (ms)', `${fmt(e.put1.p50Ms, 2)} / ${fmt(e.put1.p99Ms, 2)}`, `${fmt(t.put1.p50Ms, 2)} / ${fmt(t.put1.p99Ms, 2)}`, ''],
    ['put 1 KiB, 64 writers (puts/s)', fmt(e.put64.opsPerSec), fmt(t.put64.opsPerSec), `embedded ≥ 2× etcd: ${fmt(goals[0]!.value, 2)}×`],
    ['  p50 / p99 (ms)', `${fmt(e.put64.p50Ms, 2)} / ${fmt(e.put64.p99Ms, 2)}`, `${fmt(t.put64.p50Ms, 2)} / ${fmt(t.put64.p99Ms, 2)}`, ''],
    ['get, 64 readers (gets/s)', fmt(e.get64.opsPerSec), fmt(t.get64.opsPerSec), ''],
    ['  p99 (ms)', fmt(e.get64.p99Ms, 2), fmt(t.get64.p99Ms, 2), ''],
    ['list 10,000 × 1 KiB (ms, median / best)', `${fmt(e.list10kMs.median, 1)} / ${fmt(e.list10kMs.best, 1)}`, `${fmt(t.list10kMs.median, 1)} / ${fmt(t.list10kMs.best, 1)}`, '≤ 50 ms'],
    ['  CPU of this process, median (ms)', fmt(e.list10kMs.cpuMedian, 1), `${fmt(t.list10kMs.cpuMedian, 1)} (client only)`, ''],
    ['watch, 100 watchers, write → delivered p50 (ms)', fmt(e.watch100.p50, 2), fmt(t.watch100.p50, 2), ''],
    ['  p99 (ms)', fmt(e.watch100.p99, 2), fmt(t.watch100.p99, 2), '≤ 5 ms'],
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...[['figure', 'embedded (sqlite)', 'etcd 3.4', 'goal'], ...rows].map((r) => r[c]!.length)));
  const line = (r: string[]) => '| ' + r.map((x, i) => x.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(line(['figure', 'embedded (sqlite)', 'etcd 3.4', 'goal']));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
  console.log();
  for (const g of goals) console.log(`${g.pass ? 'PASS' : 'MISS'}  ${g.goal}  (${fmt(g.value, 2)})`);
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs`);

  const date = new Date().toISOString();
  const outDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `store-${date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      { bench: 'store', date, phaseMs: PHASE_MS, machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadAverage: loadavg() }, results, goals },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nwrote ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

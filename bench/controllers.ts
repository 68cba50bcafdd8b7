// npm run bench controllers [-- --pods N]
// The replication controller at scale: an API server over the embedded SQLite store in this
// process, the RC controller in a child process (so its RSS is its own, as a controller manager's
// would be), an RC scaled 0 -> 3,000. Measures the time until 3,000 pods exist (seen on a watch
// from here), the time until the RC's status.replicas says 3,000, pods/s, and the controller's
// peak RSS. Goal: 3,000 pods in <= 10 s on this 2-core machine. The anchor, measured in the same
// run after the controller stops: the server's own rate for plain concurrent pod POSTs.
// The namespace-deletion figure (a namespace of 3,000 pods deleted, goal <= 15 s) comes from the
// namespace controller's own bench (bench/controllers-namespace.ts), run here against the same
// server once the RC figures are in; --skip-namespace leaves it out.
// Prints a table, writes JSON to bench/results/controllers-<ISO date>.json.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { openSqliteStore } from '../src/storage/sqlite/index.js';
import { createApiServer } from '../src/apiserver/server.js';
import { RestClient } from '../src/client/rest.js';
import { SharedInformerFactory } from '../src/client/informer/index.js';
import { EventRecorder } from '../src/client/events.js';
import { realClock } from '../src/machinery/clock.js';
import type { Pod } from '../src/api/core/v1/pod.js';
import type { ReplicationController } from '../src/api/core/v1/replicationcontroller.js';
import type { ControllerContext } from '../src/controllers/context.js';
import { createReplicationControllerController } from '../src/controllers/replication/index.js';
import { PODS, REPLICATION_CONTROLLERS } from '../src/controllers/workload/resources.js';
import { measureNamespaceDeletion, GOAL_NAMESPACE_MS, type NamespaceDeletionResult } from './controllers-namespace.js';

const args = process.argv.slice(2);
const arg = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const PODS_WANTED = Number(arg('--pods') ?? 3000);
const DEADLINE_MS = 120_000;
const GOAL_PODS_MS = 10_000;

// --- the child: one RC controller against the server named on the command line ---

async function runControllerProcess(server: string): Promise<void> {
  const client = new RestClient({ server, timeoutMs: 30_000 });
  const informers = new SharedInformerFactory(client);
  const recorders: EventRecorder[] = [];
  const ctx: ControllerContext = {
    client, informers, clock: realClock, options: { workers: 5 },
    log: () => undefined,
    recorder: (component) => { const r = new EventRecorder({ client, component }); recorders.push(r); return r; },
  };
  const controller = createReplicationControllerController(ctx);
  const abort = new AbortController();
  let peakRss = 0;
  const sample = () => { peakRss = Math.max(peakRss, process.memoryUsage().rss); };
  const timer = setInterval(() => { sample(); process.send?.({ rss: process.memoryUsage().rss, peakRss }); }, 100);
  process.on('message', (m: { stop?: boolean }) => { if (m.stop) abort.abort(); });
  informers.start();
  const running = controller.run(abort.signal);
  await informers.waitForCacheSync(DEADLINE_MS);
  process.send?.({ ready: true });
  await running;
  clearInterval(timer);
  sample();
  await informers.stop();
  await Promise.all(recorders.map((r) => r.shutdown()));
  client.close();
  const cpu = process.cpuUsage();
  process.send?.({ done: true, peakRss, cpuSec: (cpu.user + cpu.system) / 1e6 });
}

// --- the parent: server, store, measurements ---

interface Figures {
  pods: number;
  podsExistMs: number;
  statusReplicasMs: number;
  podsPerSec: number;
  controllerPeakRssMB: number;
  controllerRssMB: number;
  /** CPU the controller process used in all (start, sync, the whole scale-up, stop). */
  controllerCpuSec: number;
  /** The anchor: pods/s the same server takes from plain concurrent POSTs, no controller. */
  anchorPodsPerSec: number;
  namespaceDeletion: NamespaceDeletionResult | { measured: false; reason: string };
}

const ANCHOR_PODS = 1000;
const ANCHOR_CONCURRENCY = 256;

/** The server's own pod-create rate in this run: the ceiling any controller can reach here. */
async function measureAnchor(c: RestClient): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: ANCHOR_CONCURRENCY }, async () => {
    while (next < ANCHOR_PODS) {
      next++;
      await c.create<Pod>(PODS, {
        apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'anchor-', namespace: 'default', labels: { app: 'anchor' } },
        spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] },
      } as Pod, { namespace: 'default' });
    }
  }));
  return Math.round(ANCHOR_PODS / ((performance.now() - t0) / 1000));
}

function waitFor(child: ChildProcess, pred: (m: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { child.off('message', on); reject(new Error(`timed out waiting for ${what}`)); }, DEADLINE_MS);
    const on = (m: Record<string, unknown>) => { if (pred(m)) { clearTimeout(t); child.off('message', on); resolve(m); } };
    child.on('message', on);
  });
}

async function measure(): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-controllers-'));
  const store = openSqliteStore({ path: join(dir, 'store.db') });
  const server = createApiServer({ store, log: () => undefined });
  let child: ChildProcess | undefined;
  const client = new RestClient({ server: 'http://127.0.0.1:0' });
  let c = client;
  const watchAbort = new AbortController();
  try {
    const port = await server.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${port}`;
    c = new RestClient({ server: base, timeoutMs: 30_000 });
    child = fork(fileURLToPath(import.meta.url), ['--controller', base], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let peakRss = 0;
    let lastRss = 0;
    child.on('message', (m: { rss?: number; peakRss?: number }) => {
      if (m.peakRss) peakRss = Math.max(peakRss, m.peakRss);
      if (m.rss) lastRss = m.rss;
    });
    await waitFor(child, (m) => m.ready === true, 'the controller to sync its caches');
    const rc = await c.create<ReplicationController>(REPLICATION_CONTROLLERS, {
      apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'bench', namespace: 'default' },
      spec: { replicas: 0, selector: { app: 'bench' }, template: { metadata: { labels: { app: 'bench' } }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } } },
    } as ReplicationController);

    let seen = 0;
    let allSeenAt = 0;
    let allSeen!: () => void;
    const allSeenP = new Promise<void>((r) => { allSeen = r; });
    const stream = await c.watch<Pod>(PODS, { namespace: 'default', labelSelector: 'app=bench', resourceVersion: rc.metadata.resourceVersion, signal: watchAbort.signal });
    void (async () => {
      try {
        for await (const ev of stream) {
          if (ev.type === 'ADDED' && ++seen === PODS_WANTED) { allSeenAt = performance.now(); allSeen(); }
        }
      } catch {
        // closed at the end
      }
    })();
    let statusSeenAt = 0;
    let statusSeen!: () => void;
    const statusP = new Promise<void>((r) => { statusSeen = r; });
    const rcStream = await c.watch<ReplicationController>(REPLICATION_CONTROLLERS, { namespace: 'default', fieldSelector: 'metadata.name=bench', resourceVersion: rc.metadata.resourceVersion, signal: watchAbort.signal });
    void (async () => {
      try {
        for await (const ev of rcStream) {
          if (ev.object.status?.replicas === PODS_WANTED && !statusSeenAt) { statusSeenAt = performance.now(); statusSeen(); }
        }
      } catch {
        // closed at the end
      }
    })();

    const t0 = performance.now();
    await c.patch(REPLICATION_CONTROLLERS, 'bench', 'merge', { spec: { replicas: PODS_WANTED } }, { namespace: 'default' });
    const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not done within ${DEADLINE_MS} ms: ${seen} pods seen`)), DEADLINE_MS).unref());
    await Promise.race([Promise.all([allSeenP, statusP]), deadline]);
    child.send({ stop: true });
    const done = await waitFor(child, (m) => m.done === true, 'the controller to stop');
    peakRss = Math.max(peakRss, Number(done.peakRss ?? 0));
    // After the controller has stopped, so the anchor's pods cost it nothing.
    const anchorPodsPerSec = await measureAnchor(c);
    const namespaceDeletion = args.includes('--skip-namespace')
      ? { measured: false as const, reason: '--skip-namespace' }
      : await measureNamespaceDeletion({ server: base, pods: PODS_WANTED, deadlineMs: DEADLINE_MS });
    const podsExistMs = allSeenAt - t0;
    return {
      pods: PODS_WANTED,
      podsExistMs: Math.round(podsExistMs),
      statusReplicasMs: Math.round(statusSeenAt - t0),
      podsPerSec: Math.round(PODS_WANTED / (podsExistMs / 1000)),
      controllerPeakRssMB: Math.round(peakRss / 1048576),
      controllerRssMB: Math.round(lastRss / 1048576),
      controllerCpuSec: Math.round(Number(done.cpuSec ?? 0) * 100) / 100,
      anchorPodsPerSec,
      namespaceDeletion,
    };
  } finally {
    watchAbort.abort();
    if (child && child.exitCode === null) {
      child.kill();
      await new Promise((r) => child!.once('exit', r));
    }
    c.close();
    client.close();
    await server.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const f = await measure();
  const rows: [string, string, string][] = [
    [`RC 0 -> ${f.pods}: pods exist`, `${(f.podsExistMs / 1000).toFixed(2)} s`, `<= ${GOAL_PODS_MS / 1000} s`],
    ['  pods created per second', `${f.podsPerSec}`, '>= 300'],
    [`  anchor: plain POSTs (${ANCHOR_CONCURRENCY} at once)`, `${f.anchorPodsPerSec}/s`, ''],
    [`  status.replicas = ${f.pods}`, `${(f.statusReplicasMs / 1000).toFixed(2)} s`, ''],
    ['controller RSS (peak / end)', `${f.controllerPeakRssMB} / ${f.controllerRssMB} MB`, ''],
    ['controller CPU (whole run)', `${f.controllerCpuSec} s`, ''],
    ['machine load (1 min) at end', `${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`, ''],
    [`namespace of ${f.pods} pods deleted`, f.namespaceDeletion.measured ? `${(f.namespaceDeletion.goneMs / 1000).toFixed(2)} s` : `not measured (${f.namespaceDeletion.reason})`, `<= ${GOAL_NAMESPACE_MS / 1000} s`],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log(`${'measure'.padEnd(w0)}  ${'result'.padEnd(w1)}  goal`);
  for (const [a, b, g] of rows) console.log(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${g}`);
  const date = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const goals = { podsExistWithinGoal: f.podsExistMs <= GOAL_PODS_MS, namespaceGoneWithinGoal: f.namespaceDeletion.measured ? f.namespaceDeletion.met : null };
  writeFileSync(join(outDir, `controllers-${date}.json`), JSON.stringify({
    bench: 'controllers', date, machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavg: loadavg() }, results: f, goals,
  }, null, 2) + '\n');
  console.log(`wrote bench/results/controllers-${date}.json`);
}

const controllerArg = arg('--controller');
if (controllerArg) {
  runControllerProcess(controllerArg).then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
} else {
  main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
}

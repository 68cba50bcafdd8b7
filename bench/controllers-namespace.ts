// npm run bench controllers-namespace [-- --pods N]
// The namespace controller at scale: an API server over the embedded SQLite store in this process,
// a namespace holding N pods (default 3,000) and a few other objects, a controller manager running
// only the namespace controller; the namespace is deleted and the time until it is gone (404) is
// measured. Goal: a namespace of 3,000 pods gone in <= 15 s on this 2-core machine.
// measureNamespaceDeletion() is exported so bench/controllers.ts can report the same figure.
// Prints a table, writes JSON to bench/results/controllers-namespace-<ISO date>.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { openSqliteStore } from '../src/storage/sqlite/index.js';
import { createApiServer } from '../src/apiserver/server.js';
import { RestClient, resourceRef } from '../src/client/rest.js';
import { startControllerManager } from '../src/controllers/manager.js';
import { NAMESPACES, PODS } from '../src/controllers/base/resources.js';

export const GOAL_NAMESPACE_MS = 15_000;
const CONFIGMAPS = resourceRef('', 'v1', 'configmaps');

export interface NamespaceDeletionResult {
  measured: true;
  pods: number;
  createMs: number;
  /** From the DELETE of the namespace until GET answers 404. */
  goneMs: number;
  goalMs: number;
  met: boolean;
}

/**
 * Fills a namespace with `pods` pods against the API server at `server`, runs the namespace
 * controller (in this process) and measures how long the namespace takes to disappear once deleted.
 */
export async function measureNamespaceDeletion(opts: { server: string; pods?: number; namespace?: string; deadlineMs?: number }): Promise<NamespaceDeletionResult> {
  const n = opts.pods ?? 3000;
  const ns = opts.namespace ?? 'bench-ns-delete';
  const deadline = opts.deadlineMs ?? 120_000;
  const client = new RestClient({ server: opts.server, timeoutMs: 60_000 });
  const manager = await startControllerManager({ client: new RestClient({ server: opts.server, timeoutMs: 120_000 }), controllers: ['namespace'], log: () => undefined });
  try {
    await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 64 }, async () => {
      for (let i = next++; i < n; i = next++) {
        await client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, namespace: ns, labels: { app: 'bench' } }, spec: { containers: [{ name: 'c', image: 'pause' }] } });
      }
    }));
    for (let i = 0; i < 10; i++) await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: ns } });
    const createMs = performance.now() - t0;
    const t1 = performance.now();
    await client.delete(NAMESPACES, ns);
    for (;;) {
      try {
        await client.get(NAMESPACES, ns);
      } catch (err) {
        if ((err as { code?: number }).code === 404) break;
        throw err;
      }
      if (performance.now() - t1 > deadline) throw new Error(`namespace ${ns} not gone after ${deadline} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const goneMs = performance.now() - t1;
    return { measured: true, pods: n, createMs: Math.round(createMs), goneMs: Math.round(goneMs), goalMs: GOAL_NAMESPACE_MS, met: goneMs <= GOAL_NAMESPACE_MS };
  } finally {
    await manager.stop();
    client.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const i = args.indexOf('--pods');
  const pods = i >= 0 ? Number(args[i + 1]) : 3000;
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-ns-'));
  const store = openSqliteStore({ path: join(dir, 'store.db') });
  const server = createApiServer({ store, log: () => undefined });
  try {
    const port = await server.listen(0, '127.0.0.1');
    const r = await measureNamespaceDeletion({ server: `http://127.0.0.1:${port}`, pods });
    const rows = [
      ['pods in the namespace', String(r.pods), ''],
      ['time to create them', `${(r.createMs / 1000).toFixed(2)} s`, ''],
      ['namespace deleted -> gone', `${(r.goneMs / 1000).toFixed(2)} s`, `goal <= ${r.goalMs / 1000} s: ${r.met ? 'met' : 'NOT met'}`],
    ];
    for (const row of rows) process.stdout.write(`${row[0]!.padEnd(30)}${row[1]!.padEnd(12)}${row[2]}\n`);
    const outDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
    mkdirSync(outDir, { recursive: true });
    const date = new Date().toISOString();
    writeFileSync(join(outDir, `controllers-namespace-${date.replace(/[:.]/g, '-')}.json`),
      JSON.stringify({ bench: 'controllers-namespace', date, machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version }, result: r }, null, 2) + '\n');
  } finally {
    await server.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => { process.stderr.write(`${(err as Error).stack ?? err}\n`); process.exit(1); });
}

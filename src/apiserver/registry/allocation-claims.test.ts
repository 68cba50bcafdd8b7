import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/resource.js';
import { ApiError } from '../../machinery/errors.js';
import { openSqliteStore } from '../../storage/sqlite/index.js';
import type { Store } from '../../storage/types.js';
import { createServiceAllocators, createServiceHooks } from './service-hooks.js';
import { CLAIMS_PREFIX, storeClaims } from './allocation-claims.js';

const live = { dryRun: false };
const svc = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: structuredClone(spec) });
const spec = (o: KubeObject) => o.spec as { clusterIP: string; ports: { nodePort: number }[] };

/** One "API server": its own in-memory allocators and hooks, claiming in the shared store. */
async function server(store: Store, existing: KubeObject[] = []) {
  // Every server proposes the same values in the same order: the worst case for a shared pool.
  const alloc = createServiceAllocators({ random: () => 0 });
  const claims = storeClaims(store);
  await claims.start(alloc, existing);
  return { alloc, claims, hooks: createServiceHooks(alloc, claims) };
}

async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-claims-'));
  const store = openSqliteStore({ path: join(dir, 'db.sqlite'), compactionIntervalMs: 0 });
  try { await fn(store); } finally { await store.close(); rmSync(dir, { recursive: true, force: true }); }
}

const claimKeys = async (store: Store) => (await store.list(CLAIMS_PREFIX)).kvs.map((kv) => kv.key).sort();

test('two API servers on one store never hand out the same ClusterIP or NodePort, even proposing the same ones at once', () => withStore(async (store) => {
  const a = await server(store);
  const b = await server(store);
  const made: KubeObject[] = [];
  const writes: Promise<void>[] = [];
  for (let i = 0; i < 20; i++) {
    for (const [who, s] of [['a', a], ['b', b]] as const) {
      const o = svc(`${who}${i}`, { type: 'NodePort', ports: [{ port: 80 }], selector: { app: 'x' } });
      made.push(o);
      writes.push(Promise.resolve(s.hooks.beforeCreate!(o, live)));
    }
  }
  await Promise.all(writes);
  const ips = made.map((o) => spec(o).clusterIP);
  const ports = made.map((o) => spec(o).ports[0]!.nodePort);
  assert.equal(new Set(ips).size, 40, `distinct ClusterIPs: ${ips.join(' ')}`);
  assert.equal(new Set(ports).size, 40, `distinct NodePorts: ${ports.join(' ')}`);
  assert.equal((await claimKeys(store)).length, 80);
  a.claims.stop(); b.claims.stop();
}));

test('an address claimed through the other server is refused with the Kubernetes message; freed there, it can be had here', () => withStore(async (store) => {
  const a = await server(store);
  const b = await server(store);
  const first = svc('first', { clusterIP: '10.96.0.50', ports: [{ port: 80 }] });
  await a.hooks.beforeCreate!(first, live);
  await assert.rejects(async () => b.hooks.beforeCreate!(svc('second', { clusterIP: '10.96.0.50', ports: [{ port: 80 }] }), live), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 422);
    assert.match(e.message, /failed to allocate IP 10\.96\.0\.50: provided IP is already allocated/);
    return true;
  });
  await a.hooks.afterDelete!(first);
  assert.deepEqual(await claimKeys(store), []);
  // b learns of the release through its watch.
  for (let i = 0; i < 100 && b.alloc.ips.has('10.96.0.50'); i++) await new Promise((r) => setTimeout(r, 10));
  const again = svc('second', { clusterIP: '10.96.0.50', ports: [{ port: 80 }] });
  await b.hooks.beforeCreate!(again, live);
  assert.equal(spec(again).clusterIP, '10.96.0.50');
  a.claims.stop(); b.claims.stop();
}));

test('a failed write gives its claims back', () => withStore(async (store) => {
  const a = await server(store);
  const o = svc('x', { type: 'NodePort', ports: [{ port: 80 }] });
  await a.hooks.beforeCreate!(o, live);
  assert.equal((await claimKeys(store)).length, 2);
  await a.hooks.rollback!(o, null);
  assert.deepEqual(await claimKeys(store), []);
  a.claims.stop();
}));

test('a starting server claims what stored Services hold; repair frees a leaked claim only after seeing it orphaned twice', () => withStore(async (store) => {
  const old = svc('old', { clusterIP: '10.96.0.60', clusterIPs: ['10.96.0.60'], ports: [{ port: 80 }] });
  const a = await server(store, [old]);
  assert.deepEqual(await claimKeys(store), [`${CLAIMS_PREFIX}serviceips/10.96.0.60`]);
  // A claim whose Service was never written (its server died in between).
  await store.create(`${CLAIMS_PREFIX}serviceips/10.96.0.61`, Buffer.from('{"holder":"default/lost"}'));
  await a.claims.repair([old]);
  assert.equal((await claimKeys(store)).length, 2, 'one pass is not enough: the Service may be on its way');
  await a.claims.repair([old]);
  assert.deepEqual(await claimKeys(store), [`${CLAIMS_PREFIX}serviceips/10.96.0.60`]);
  a.claims.stop();
}));

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/resource.js';
import { openSqliteStore } from '../../storage/sqlite/index.js';
import type { Store } from '../../storage/types.js';
import type { ServerContext, ServedResource } from '../context.js';
import type { AdmissionAttributes } from '../auth/types.js';
import { SUPERUSER } from '../auth/types.js';
import { ApiError } from '../../machinery/errors.js';
import { decodeKv, encodeObject } from '../storage/codec.js';
import { resourceQuota } from './resource-quota.js';

const QUOTA_KEY = '/registry/core/resourcequotas/ns/q';
const podsResource = { def: { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true } } as unknown as ServedResource;

/** The real SQLite store with every call a few milliseconds late, so concurrent admissions interleave. */
function slow(store: Store): Store {
  const later = <T>(p: Promise<T>) => p.then((v) => new Promise<T>((r) => setTimeout(() => r(v), 2 + Math.floor(Math.random() * 4))));
  return {
    ...store,
    get: (k, o) => later(store.get(k, o)),
    list: (p, o) => later(store.list(p, o)),
    update: (k, v, r, o) => later(store.update(k, v, r, o)),
  } as Store;
}

async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-quota-admission-'));
  const store = openSqliteStore({ path: join(dir, 'store.db'), compactionIntervalMs: 0 });
  try { await fn(store); } finally { await store.close(); rmSync(dir, { recursive: true, force: true }); }
}

function attrs(store: Store, name: string, pod: Partial<KubeObject> = {}): AdmissionAttributes {
  return {
    operation: 'CREATE', user: SUPERUSER, resource: podsResource, subresource: '', namespace: 'ns', name, dryRun: false,
    obj: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'x' }] }, ...pod },
    ctx: { store } as ServerContext,
  };
}

test('concurrent creates are charged to status.used by compare-and-swap: exactly the quota gets in', async () => {
  await withStore(async (inner) => {
    await inner.create(QUOTA_KEY, encodeObject({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'ns' }, spec: { hard: { pods: '3' } }, status: { hard: { pods: '3' }, used: { pods: '0' } } }));
    const store = slow(inner);
    const plugin = resourceQuota();
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => plugin.validate!(attrs(store, `p${i}`))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      const err = (r as PromiseRejectedResult).reason as ApiError;
      assert.equal(err.code, 403);
      assert.match(err.message, /^pods "p\d" is forbidden: exceeded quota: q, requested: pods=1, used: pods=3, limited: pods=3$/);
    }
    const q = decodeKv((await inner.get(QUOTA_KEY)).kv!);
    assert.deepEqual((q.status as { used: unknown }).used, { pods: '3' });
  });
});

test('a dry run is judged but not charged', async () => {
  await withStore(async (store) => {
    await store.create(QUOTA_KEY, encodeObject({ metadata: { name: 'q', namespace: 'ns' }, spec: { hard: { pods: '1' } }, status: { used: { pods: '0' } } }));
    await resourceQuota().validate!({ ...attrs(store, 'a'), dryRun: true });
    assert.deepEqual((decodeKv((await store.get(QUOTA_KEY)).kv!).status as { used: unknown }).used, { pods: '0' });
  });
});

test('without a counted status the quota counts what is stored', async () => {
  await withStore(async (store) => {
    await store.create(QUOTA_KEY, encodeObject({ metadata: { name: 'q', namespace: 'ns' }, spec: { hard: { pods: '1', 'limits.memory': '1Gi' } } }));
    await store.create('/registry/core/pods/ns/old', encodeObject({ metadata: { name: 'old', namespace: 'ns' }, spec: { containers: [{ name: 'c', resources: { limits: { memory: '512Mi' } } }] } }));
    const big = { spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { memory: '1Gi' } } }] } };
    await assert.rejects(resourceQuota().validate!(attrs(store, 'new', big)) as Promise<void>,
      /pods "new" is forbidden: exceeded quota: q, requested: limits.memory=1Gi,pods=1, used: limits.memory=512Mi,pods=1, limited: limits.memory=1Gi,pods=1/);
  });
});

test('a PersistentVolumeClaim update is charged its added storage only, and refused past the quota', async () => {
  await withStore(async (store) => {
    await store.create(QUOTA_KEY, encodeObject({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'ns' }, spec: { hard: { 'requests.storage': '10Gi' } }, status: { hard: { 'requests.storage': '10Gi' }, used: { 'requests.storage': '5Gi' } } }));
    const pvcs = { def: { group: '', version: 'v1', plural: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true } } as unknown as ServedResource;
    const claim = (size: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'ns', resourceVersion: '7' }, spec: { resources: { requests: { storage: size } } } });
    const update = (from: string, to: string): AdmissionAttributes => ({ ...attrs(store, 'data'), operation: 'UPDATE', resource: pvcs, obj: claim(to), old: claim(from) });
    const used = async () => (decodeKv((await store.get(QUOTA_KEY)).kv!).status as { used: Record<string, string> }).used['requests.storage'];
    const plugin = resourceQuota();
    await plugin.validate!(update('5Gi', '8Gi'));
    assert.equal(await used(), '8Gi', 'charged the 3Gi added');
    await assert.rejects(Promise.resolve(plugin.validate!(update('8Gi', '12Gi'))), (err: ApiError) => {
      assert.equal(err.code, 403);
      assert.equal(err.message, 'persistentvolumeclaims "data" is forbidden: exceeded quota: q, requested: requests.storage=4Gi, used: requests.storage=8Gi, limited: requests.storage=10Gi');
      return true;
    });
    // Nothing added (a shrink, or a label change): not judged, not charged.
    await plugin.validate!(update('8Gi', '6Gi'));
    await plugin.validate!(update('8Gi', '8Gi'));
    assert.equal(await used(), '8Gi');
  });
});

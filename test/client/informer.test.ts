import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../../src/api/resource.js';
import { RestClient, resourceRef } from '../../src/client/rest.js';
import { SharedInformerFactory, DeletedFinalStateUnknown, labelIndex, type SharedInformer } from '../../src/client/informer/index.js';
import { startCluster, eventually, type TestCluster } from './cluster.js';

const CM = resourceRef('', 'v1', 'configmaps');
const cm = (name: string, suite: string, data: Record<string, string> = {}, app = 'web'): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels: { suite, app } }, data });

/** Handler log lines: "add x", "update x", "delete x" (+ "?" when the final state is unknown). */
function record(inf: SharedInformer): string[] {
  const log: string[] = [];
  inf.addEventHandler({
    onAdd: (o) => log.push(`add ${o.metadata.name}`),
    onUpdate: (old, cur) => {
      assert.notEqual(old.metadata.resourceVersion, cur.metadata.resourceVersion, 'no update without a change (resync is off)');
      log.push(`update ${cur.metadata.name}=${JSON.stringify(cur.data ?? {})}`);
    },
    onDelete: (o) => log.push(o instanceof DeletedFinalStateUnknown ? `delete? ${o.obj.metadata.name}` : `delete ${o.metadata.name}`),
  });
  return log;
}

let c: TestCluster;
before(async () => { c = await startCluster(); });
after(async () => { await c?.close(); });

test('an informer delivers adds, updates and deletes in order and keeps an indexed cache', async () => {
  const client = c.client();
  await client.create(CM, cm('pre', 'order'));
  const factory = new SharedInformerFactory(client, { reflector: { backoffInitialMs: 20, backoffMaxMs: 200 } });
  try {
    const inf = factory.informerFor(CM, { labelSelector: 'suite=order', indexers: { byApp: labelIndex('app') } });
    assert.equal(factory.informerFor(CM, { labelSelector: 'suite=order' }), inf, 'one informer per resource and selector');
    const log = record(inf);
    factory.start();
    assert.equal(await factory.waitForCacheSync(5000), true);
    assert.ok(inf.hasSynced());
    assert.deepEqual(log, ['add pre']);

    const a = await client.create(CM, cm('a', 'order', {}, 'db'));
    await client.update(CM, { ...a, data: { v: '2' } });
    await client.create(CM, cm('b', 'order'));
    await client.create(CM, cm('unrelated', 'other'));
    await client.delete(CM, 'a', { namespace: 'default' });
    await eventually(() => log.length >= 5, 'five events');
    assert.deepEqual(log, ['add pre', 'add a', 'update a={"v":"2"}', 'add b', 'delete a']);
    assert.deepEqual(inf.indexer.listKeys().sort(), ['default/b', 'default/pre']);
    assert.deepEqual(inf.indexer.byIndex('byApp', 'web').map((o) => o.metadata.name).sort(), ['b', 'pre']);
    assert.deepEqual(inf.indexer.byIndex('byApp', 'db'), []);
    assert.deepEqual(inf.indexer.byIndex('namespace', 'default').length, 2);

    // A late handler is brought up to date with adds for what is cached.
    const late: string[] = [];
    inf.addEventHandler({ onAdd: (o) => late.push(o.metadata.name!) });
    assert.deepEqual(late.sort(), ['b', 'pre']);
  } finally {
    await factory.stop();
  }
});

test('resync re-delivers every cached object as an update', async () => {
  const client = c.client();
  await client.create(CM, cm('r1', 'resync'));
  const factory = new SharedInformerFactory(client, { resyncPeriodMs: 100 });
  try {
    const inf = factory.informerFor(CM, { labelSelector: 'suite=resync' });
    const resyncs: string[] = [];
    inf.addEventHandler({ onUpdate: (old, cur) => { if (old === cur) resyncs.push(cur.metadata.name!); } });
    factory.start();
    assert.ok(await factory.waitForCacheSync(5000));
    await eventually(() => resyncs.length >= 2, 'two resyncs');
    assert.deepEqual(new Set(resyncs), new Set(['r1']));
  } finally {
    await factory.stop();
  }
});

test('an informer survives a server restart and a compacted history (410), seeing each change exactly once', async () => {
  const client = c.client();
  for (const n of ['keep', 'change', 'remove']) await client.create(CM, cm(n, 'restart'));
  const logs: string[] = [];
  const factory = new SharedInformerFactory(client, { log: (msg, f) => logs.push(msg + ' ' + JSON.stringify(f)), reflector: { backoffInitialMs: 20, backoffMaxMs: 200 } });
  try {
    const inf = factory.informerFor(CM, { labelSelector: 'suite=restart' });
    const log = record(inf);
    factory.start();
    assert.ok(await factory.waitForCacheSync(5000));
    assert.deepEqual([...log].sort(), ['add change', 'add keep', 'add remove']);
    log.length = 0;

    await c.stopServer();
    // While the server is down the world moves on (through another server on the same store)...
    const side = await c.sideServer();
    try {
      await side.client.create(CM, cm('new', 'restart'));
      const ch = await side.client.get<KubeObject>(CM, 'change', { namespace: 'default' });
      await side.client.update(CM, { ...ch, data: { v: 'while-down' } });
      await side.client.delete(CM, 'remove', { namespace: 'default' });
    } finally {
      await side.close();
    }
    // ...and its history is compacted away, so resuming the watch can only answer 410.
    await c.store.compact(await c.store.currentRevision());
    await c.startServer();

    await eventually(() => log.length >= 3, 'the missed changes', 10_000);
    assert.deepEqual(log, ['delete? remove', 'add new', 'update change={"v":"while-down"}']);
    assert.ok(logs.some((l) => l.startsWith('watch resourceVersion expired; relisting')), `the 410 was seen: ${JSON.stringify(logs)}`);
    assert.equal(inf.reflector.lists, 2, 'one list at start, one relist after the 410');

    // Back to normal watching: one more change arrives once.
    await client.delete(CM, 'keep', { namespace: 'default' });
    await eventually(() => log.length >= 4, 'the delete after restart');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(log.slice(3), ['delete keep']);
    const server = await client.list(CM, { namespace: 'default', labelSelector: 'suite=restart' });
    assert.deepEqual(inf.indexer.listKeys().sort(), server.items.map((o) => `default/${o.metadata.name}`).sort());
  } finally {
    await factory.stop();
  }
});

test('a restart with nothing missed resumes without duplicate events', async () => {
  const client = c.client();
  await client.create(CM, cm('steady', 'quiet'));
  const factory = new SharedInformerFactory(client, { reflector: { backoffInitialMs: 20, backoffMaxMs: 200 } });
  try {
    const inf = factory.informerFor(CM, { labelSelector: 'suite=quiet' });
    const log = record(inf);
    factory.start();
    assert.ok(await factory.waitForCacheSync(5000));
    await c.stopServer();
    await c.startServer();
    await client.create(CM, cm('after', 'quiet'));
    await eventually(() => log.length >= 2, 'the add after restart', 10_000);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(log, ['add steady', 'add after']);
  } finally {
    await factory.stop();
  }
});

test('waitForCacheSync gives up at its deadline when the server cannot be reached', async () => {
  const client = new RestClient({ server: 'http://127.0.0.1:1', maxRetries: 0 });
  const factory = new SharedInformerFactory(client, { reflector: { backoffInitialMs: 20, backoffMaxMs: 50 } });
  try {
    factory.informerFor(CM);
    factory.start();
    const t0 = Date.now();
    assert.equal(await factory.waitForCacheSync(300), false);
    assert.ok(Date.now() - t0 < 2000);
  } finally {
    await factory.stop();
    client.close();
  }
});

/** A TCP relay in front of the API server whose connections the test can cut, and refuse while "down". */
async function relay(target: number) {
  const sockets = new Set<net.Socket>();
  let down = false;
  const srv = net.createServer((inbound) => {
    if (down) { inbound.destroy(); return; }
    const outbound = net.connect(target, '127.0.0.1');
    sockets.add(inbound); sockets.add(outbound);
    const drop = () => { inbound.destroy(); outbound.destroy(); sockets.delete(inbound); sockets.delete(outbound); };
    inbound.on('error', drop); outbound.on('error', drop); inbound.on('close', drop); outbound.on('close', drop);
    inbound.pipe(outbound); outbound.pipe(inbound);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return {
    base: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    cut(stayDown: boolean) { down = stayDown; for (const s of sockets) s.destroy(); sockets.clear(); },
    up() { down = false; },
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); srv.close(() => r()); }),
  };
}

test('a watch connection cut mid-stream resumes from the last resourceVersion without a relist or duplicates', async () => {
  const direct = c.client();
  await direct.create(CM, cm('d1', 'cut'));
  const r = await relay(c.port);
  const client = new RestClient({ server: r.base, maxRetries: 0, timeoutMs: 5000 });
  const factory = new SharedInformerFactory(client, { reflector: { backoffInitialMs: 50, backoffMaxMs: 100 } });
  try {
    const inf = factory.informerFor(CM, { labelSelector: 'suite=cut' });
    const log = record(inf);
    factory.start();
    assert.ok(await factory.waitForCacheSync(5000));
    await direct.create(CM, cm('d2', 'cut'));
    await eventually(() => log.length === 2, 'd2 through the relay');

    r.cut(true);
    await direct.create(CM, cm('d3', 'cut'));
    await direct.delete(CM, 'd1', { namespace: 'default' });
    await new Promise((res) => setTimeout(res, 200));
    assert.deepEqual(log, ['add d1', 'add d2'], 'nothing arrives while the connection is down');
    r.up();
    await eventually(() => log.length >= 4, 'the changes made while cut', 5000);
    await new Promise((res) => setTimeout(res, 200));
    assert.deepEqual(log, ['add d1', 'add d2', 'add d3', 'delete d1']);
    assert.equal(inf.reflector.lists, 1, 'resumed the watch; no relist was needed');
    assert.ok(inf.reflector.watches >= 2);
  } finally {
    await factory.stop();
    client.close();
    await r.close();
  }
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../../src/machinery/errors.js';
import { RestClient, resourceRef, isConflict, isAlreadyExists, isNotFound, ConnectionError } from '../../src/client/rest.js';
import type { KubeObject } from '../../src/api/resource.js';
import { createMergePatch } from '../../src/client/patch.js';
import { startCluster, type TestCluster } from './cluster.js';

const CM = resourceRef('', 'v1', 'configmaps');
const cm = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data });

let c: TestCluster;
before(async () => { c = await startCluster(); });
after(async () => { await c?.close(); });

test('create, get, list, update, patch and delete through the REST client', async () => {
  const client = c.client();
  const created = await client.create(CM, cm('crud', { a: '1' }, { app: 'x' }));
  assert.ok(created.metadata.uid);
  assert.ok(created.metadata.resourceVersion);
  const got = await client.get(CM, 'crud', { namespace: 'default' });
  assert.deepEqual(got.data, { a: '1' });

  await client.create(CM, cm('other', {}, { app: 'y' }));
  const listed = await client.list(CM, { namespace: 'default', labelSelector: { app: 'x' } });
  assert.deepEqual(listed.items.map((o) => o.metadata.name), ['crud']);
  assert.ok(listed.metadata.resourceVersion);

  const updated = await client.update(CM, { ...got, data: { a: '2' } });
  assert.notEqual(updated.metadata.resourceVersion, got.metadata.resourceVersion);

  const patched = await client.patch(CM, 'crud', 'merge', createMergePatch(updated, { ...updated, data: { a: '2', b: '3' } }), { namespace: 'default' });
  assert.deepEqual(patched.data, { a: '2', b: '3' });
  const strategic = await client.patch(CM, 'crud', 'strategic', { data: { c: '4' } }, { namespace: 'default' });
  assert.deepEqual(strategic.data, { a: '2', b: '3', c: '4' });

  await client.delete(CM, 'crud', { namespace: 'default' });
  await assert.rejects(client.get(CM, 'crud', { namespace: 'default' }), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 404);
    assert.equal(e.reason, 'NotFound');
    assert.equal(e.message, 'configmaps "crud" not found');
    return isNotFound(e);
  });
});

test('a stale update is a 409 Conflict ApiError; a duplicate create is 409 AlreadyExists', async () => {
  const client = c.client();
  const v1 = await client.create(CM, cm('conflict', { a: '1' }));
  await client.update(CM, { ...v1, data: { a: '2' } });
  await assert.rejects(client.update(CM, { ...v1, data: { a: '3' } }), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 409);
    assert.equal(e.reason, 'Conflict');
    assert.match(e.message, /^Operation cannot be fulfilled on configmaps "conflict"/);
    assert.equal(e.details?.name, 'conflict');
    return isConflict(e);
  });
  await assert.rejects(client.create(CM, cm('conflict')), (e: unknown) => isAlreadyExists(e) && (e as ApiError).message === 'configmaps "conflict" already exists');
});

test('listAll follows continue tokens across pages', async () => {
  const client = c.client();
  for (let i = 0; i < 7; i++) await client.create(CM, cm(`page-${i}`, {}, { paging: 'yes' }));
  const first = await client.list(CM, { namespace: 'default', labelSelector: 'paging=yes', limit: 3 });
  assert.equal(first.items.length, 3);
  assert.ok(first.metadata.continue, 'a continue token for the rest');
  const all = await client.listAll(CM, { namespace: 'default', labelSelector: 'paging=yes', pageSize: 3 });
  assert.deepEqual(all.items.map((o) => o.metadata.name), [0, 1, 2, 3, 4, 5, 6].map((i) => `page-${i}`));
});

test('watch streams ADDED, MODIFIED and DELETED in order and ends on close()', async () => {
  const client = c.client();
  const start = await client.list(CM, { namespace: 'default' });
  const w = await client.watch(CM, { namespace: 'default', resourceVersion: start.metadata.resourceVersion });
  const seen: string[] = [];
  const reading = (async () => {
    for await (const ev of w) {
      if (ev.object.metadata.name !== 'watched') continue;
      seen.push(ev.type);
      if (ev.type === 'DELETED') break;
    }
  })();
  const o = await client.create(CM, cm('watched'));
  await client.update(CM, { ...o, data: { x: 'y' } });
  await client.delete(CM, 'watched', { namespace: 'default' });
  await Promise.race([reading, new Promise((_, rej) => setTimeout(() => rej(new Error('watch events did not arrive')), 5000))]);
  assert.deepEqual(seen, ['ADDED', 'MODIFIED', 'DELETED']);
  w.close();
});

test('a create is retried while the server refuses connections, and succeeds once it is back', async () => {
  const client = c.client({ maxRetries: 20, backoffInitialMs: 50, backoffMaxMs: 100 });
  await c.stopServer();
  let restarted: Promise<void> | undefined;
  try {
    const pending = client.create(CM, cm('after-restart'));
    restarted = new Promise((r) => setTimeout(r, 300)).then(() => c.startServer());
    const created = await pending;
    assert.equal(created.metadata.name, 'after-restart');
  } finally {
    await restarted?.catch(() => undefined);
  }
  const again = await client.get(CM, 'after-restart', { namespace: 'default' });
  assert.equal(again.metadata.uid, (await client.get(CM, 'after-restart', { namespace: 'default' })).metadata.uid);
});

/** A stand-in server answering from a script: here only the retry rules are under test. */
async function scriptedServer(answers: { status: number; headers?: Record<string, string>; body: unknown }[]) {
  const hits: { method: string; at: number }[] = [];
  const srv = http.createServer((req, res) => {
    req.resume();
    hits.push({ method: req.method ?? '', at: Date.now() });
    const a = answers[Math.min(hits.length - 1, answers.length - 1)]!;
    res.writeHead(a.status, { 'Content-Type': 'application/json', ...a.headers });
    res.end(JSON.stringify(a.body));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return { base: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, hits, close: () => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }) };
}

const status = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message });

test('429 is retried after Retry-After; 500 on a POST is not retried', async () => {
  const s = await scriptedServer([
    { status: 429, headers: { 'Retry-After': '1' }, body: status(429, 'TooManyRequests', 'slow down') },
    { status: 200, body: cm('ok') },
  ]);
  const client = new RestClient({ server: s.base, backoffInitialMs: 1 });
  try {
    const got = await client.get(CM, 'ok', { namespace: 'default' });
    assert.equal(got.metadata.name, 'ok');
    assert.equal(s.hits.length, 2);
    assert.ok(s.hits[1]!.at - s.hits[0]!.at >= 950, 'waited for Retry-After');
  } finally {
    client.close();
    await s.close();
  }

  const s2 = await scriptedServer([{ status: 500, body: status(500, 'InternalError', 'Internal error occurred: boom') }]);
  const client2 = new RestClient({ server: s2.base, backoffInitialMs: 1, maxRetries: 3 });
  try {
    await assert.rejects(client2.create(CM, cm('x')), (e: unknown) => e instanceof ApiError && e.code === 500 && e.reason === 'InternalError');
    assert.equal(s2.hits.length, 1, 'a POST that reached the server is never repeated');
    await assert.rejects(client2.get(CM, 'x', { namespace: 'default' }), (e: unknown) => e instanceof ApiError && e.code === 500);
    assert.equal(s2.hits.length, 5, 'a GET is retried maxRetries times');
  } finally {
    client2.close();
    await s2.close();
  }
});

test('a request past its deadline fails instead of hanging', async () => {
  const srv = http.createServer(() => { /* never answers */ });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const client = new RestClient({ server: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, timeoutMs: 200, maxRetries: 1, backoffInitialMs: 1 });
  try {
    const t0 = Date.now();
    await assert.rejects(client.get(CM, 'x', { namespace: 'default' }), (e: unknown) => e instanceof ConnectionError && /deadline/.test(e.message));
    assert.ok(Date.now() - t0 < 2000);
  } finally {
    client.close();
    srv.closeAllConnections();
    await new Promise<void>((r) => srv.close(() => r()));
  }
});

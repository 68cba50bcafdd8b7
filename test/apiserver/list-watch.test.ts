// Lists and watches: paging with continue, selectors, resourceVersion semantics, watches from a
// resourceVersion with no gaps, 410 Expired, bookmarks, timeouts and selector transitions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, openWatch, pod, type Harness } from './harness.js';

let h: Harness;
before(async () => { h = await startHarness({ bookmarkIntervalMs: 200 }); });
after(async () => { await h?.stop(); });

const CMS = '/api/v1/namespaces/default/configmaps';

async function mkNs(name: string) {
  const r = await h.req('POST', '/api/v1/namespaces', { metadata: { name } });
  assert.equal(r.status, 201, r.text);
}

test('list pages with limit and continue cover every object exactly once', async () => {
  await mkNs('paging');
  for (let i = 0; i < 7; i++) await h.req('POST', '/api/v1/namespaces/paging/configmaps', { metadata: { name: `cm-${i}` } });
  const seen: string[] = [];
  let cont = '';
  let pages = 0;
  let firstRv = '';
  do {
    const r = await h.req('GET', `/api/v1/namespaces/paging/configmaps?limit=3${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
    assert.equal(r.status, 200, r.text);
    if (!firstRv) firstRv = r.json.metadata.resourceVersion;
    else assert.equal(r.json.metadata.resourceVersion, firstRv, 'every page is the same snapshot');
    seen.push(...r.json.items.map((i: any) => i.metadata.name));
    cont = r.json.metadata.continue ?? '';
    pages++;
    // A write between pages does not show up: the pages are one snapshot.
    if (pages === 1) await h.req('POST', '/api/v1/namespaces/paging/configmaps', { metadata: { name: 'cm-late' } });
  } while (cont);
  assert.equal(pages, 3);
  assert.deepEqual(seen, ['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4', 'cm-5', 'cm-6']);
});

test('a continue token with a resourceVersion is 400; a compacted one is 410 Expired', async () => {
  const r = await h.req('GET', '/api/v1/namespaces/paging/configmaps?limit=2');
  const cont = r.json.metadata.continue;
  const both = await h.req('GET', `/api/v1/namespaces/paging/configmaps?limit=2&resourceVersion=5&continue=${encodeURIComponent(cont)}`);
  assert.equal(both.status, 400);
  await h.req('POST', '/api/v1/namespaces/paging/configmaps', { metadata: { name: 'cm-bump' } });
  await h.store.compact(await h.store.currentRevision());
  const old = await h.req('GET', `/api/v1/namespaces/paging/configmaps?limit=2&continue=${encodeURIComponent(cont)}`);
  assert.equal(old.status, 410);
  assert.equal(old.json.reason, 'Expired');
  const bad = await h.req('GET', '/api/v1/namespaces/paging/configmaps?limit=2&continue=garbage');
  assert.equal(bad.status, 400);
});

test('label selectors: equality and set-based; bad selectors are 400', async () => {
  await mkNs('labels');
  const mk = (name: string, labels: Record<string, string>) => h.req('POST', '/api/v1/namespaces/labels/configmaps', { metadata: { name, labels } });
  await mk('a', { app: 'web', tier: 'front' });
  await mk('b', { app: 'web', tier: 'back' });
  await mk('c', { app: 'db' });
  const names = async (sel: string) => (await h.req('GET', `/api/v1/namespaces/labels/configmaps?labelSelector=${encodeURIComponent(sel)}`)).json.items.map((i: any) => i.metadata.name);
  assert.deepEqual(await names('app=web'), ['a', 'b']);
  assert.deepEqual(await names('app!=web'), ['c']);
  assert.deepEqual(await names('tier in (front,side)'), ['a']);
  assert.deepEqual(await names('tier notin (front)'), ['b', 'c']);
  assert.deepEqual(await names('!tier'), ['c']);
  assert.deepEqual(await names('app=web,tier'), ['a', 'b']);
  const bad = await h.req('GET', `/api/v1/namespaces/labels/configmaps?labelSelector=${encodeURIComponent('app in web')}`);
  assert.equal(bad.status, 400);
});

test('field selectors: metadata.name/namespace everywhere, declared fields, others 400', async () => {
  await h.req('POST', '/api/v1/namespaces/labels/pods', pod('p-one'));
  await h.req('POST', '/api/v1/namespaces/labels/pods', pod('p-two', { spec: { nodeName: 'n1' } }));
  const byName = await h.req('GET', `/api/v1/namespaces/labels/configmaps?fieldSelector=${encodeURIComponent('metadata.name=b')}`);
  assert.deepEqual(byName.json.items.map((i: any) => i.metadata.name), ['b']);
  const allNs = await h.req('GET', `/api/v1/configmaps?fieldSelector=${encodeURIComponent('metadata.namespace=labels,metadata.name!=a')}`);
  assert.deepEqual(allNs.json.items.map((i: any) => i.metadata.name), ['b', 'c']);
  const node = await h.req('GET', `/api/v1/pods?fieldSelector=${encodeURIComponent('spec.nodeName=n1')}`);
  assert.deepEqual(node.json.items.map((i: any) => i.metadata.name), ['p-two']);
  const unbound = await h.req('GET', `/api/v1/namespaces/labels/pods?fieldSelector=${encodeURIComponent('spec.nodeName=')}`);
  assert.deepEqual(unbound.json.items.map((i: any) => i.metadata.name), ['p-one']);
  const bad = await h.req('GET', `/api/v1/namespaces/labels/pods?fieldSelector=${encodeURIComponent('spec.foo=1')}`);
  assert.equal(bad.status, 400);
  assert.equal(bad.json.message, 'field label not supported: spec.foo');
  // Types with no field selectors of their own answer in the generic wording.
  const generic = await h.req('GET', `/api/v1/namespaces/labels/configmaps?fieldSelector=${encodeURIComponent('data.x=1')}`);
  assert.equal(generic.status, 400);
  assert.equal(generic.json.message, '"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"');
});

test('list resourceVersion: 0 from the cache, Exact as of N, and not-older-than', async () => {
  await mkNs('rv');
  const a = await h.req('POST', '/api/v1/namespaces/rv/configmaps', { metadata: { name: 'a' } });
  const rvA = a.json.metadata.resourceVersion;
  await h.req('POST', '/api/v1/namespaces/rv/configmaps', { metadata: { name: 'b' } });
  const any = await h.req('GET', '/api/v1/namespaces/rv/configmaps?resourceVersion=0');
  assert.equal(any.status, 200);
  assert.ok(Number(any.json.metadata.resourceVersion) >= Number(rvA));
  const exact = await h.req('GET', `/api/v1/namespaces/rv/configmaps?resourceVersion=${rvA}&resourceVersionMatch=Exact`);
  assert.equal(exact.status, 200, exact.text);
  assert.deepEqual(exact.json.items.map((i: any) => i.metadata.name), ['a']);
  assert.equal(exact.json.metadata.resourceVersion, rvA);
  const notOlder = await h.req('GET', `/api/v1/namespaces/rv/configmaps?resourceVersion=${rvA}&resourceVersionMatch=NotOlderThan`);
  assert.deepEqual(notOlder.json.items.map((i: any) => i.metadata.name), ['a', 'b']);
  const bad = await h.req('GET', '/api/v1/namespaces/rv/configmaps?resourceVersionMatch=Exact');
  assert.equal(bad.status, 400);
});

test('watch from a resourceVersion delivers every later change in order, with no gaps', async () => {
  await mkNs('w1');
  const base = await h.req('POST', '/api/v1/namespaces/w1/configmaps', { metadata: { name: 'x' }, data: { v: '0' } });
  const rv = base.json.metadata.resourceVersion;
  // Changes made before the watch starts are replayed from the cache's ring.
  await h.req('PUT', '/api/v1/namespaces/w1/configmaps/x', { metadata: { name: 'x' }, data: { v: '1' } });
  const w = await openWatch(h.base, `/api/v1/namespaces/w1/configmaps?watch=true&resourceVersion=${rv}`);
  try {
    assert.equal(w.status, 200);
    assert.match(String(w.headers['content-type']), /application\/json/);
    await h.req('POST', '/api/v1/namespaces/w1/configmaps', { metadata: { name: 'y' } });
    await h.req('DELETE', '/api/v1/namespaces/w1/configmaps/x');
    const e1 = await w.next();
    assert.equal(e1.type, 'MODIFIED');
    assert.equal(e1.object.data.v, '1');
    const e2 = await w.next();
    assert.equal(e2.type, 'ADDED');
    assert.equal(e2.object.metadata.name, 'y');
    const e3 = await w.next();
    assert.equal(e3.type, 'DELETED');
    assert.equal(e3.object.metadata.name, 'x');
    const rvs = [e1, e2, e3].map((e) => Number(e.object.metadata.resourceVersion));
    assert.ok(rvs[0]! > Number(rv) && rvs[0]! < rvs[1]! && rvs[1]! < rvs[2]!);
  } finally {
    w.close();
  }
});

test('watch without a resourceVersion starts with the current state as ADDED', async () => {
  await mkNs('w2');
  await h.req('POST', '/api/v1/namespaces/w2/configmaps', { metadata: { name: 'pre' } });
  const w = await openWatch(h.base, '/api/v1/namespaces/w2/configmaps?watch=true');
  try {
    const e1 = await w.next();
    assert.equal(e1.type, 'ADDED');
    assert.equal(e1.object.metadata.name, 'pre');
    await h.req('POST', '/api/v1/namespaces/w2/configmaps', { metadata: { name: 'post' } });
    const e2 = await w.next();
    assert.equal(e2.object.metadata.name, 'post');
  } finally {
    w.close();
  }
});

test('a watch from history that is gone gets one ERROR 410 Expired event and ends', async () => {
  const h2 = await startHarness({ watchCache: { minEvents: 2, maxEvents: 3 } });
  try {
    const first = await h2.req('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'c0' } });
    for (let i = 1; i < 6; i++) await h2.req('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `c${i}` } });
    const w = await openWatch(h2.base, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${first.json.metadata.resourceVersion}`);
    const ev = await w.next();
    assert.equal(ev.type, 'ERROR');
    assert.equal(ev.object.kind, 'Status');
    assert.equal(ev.object.code, 410);
    assert.equal(ev.object.reason, 'Expired');
    assert.match(ev.object.message, new RegExp(`^too old resource version: ${first.json.metadata.resourceVersion} \\(\\d+\\)$`));
    await w.waitEnd();
  } finally {
    await h2.stop();
  }
});

test('watch headers are flushed before any event, and timeoutSeconds ends the stream', async () => {
  await mkNs('w3');
  const list = await h.req('GET', '/api/v1/namespaces/w3/configmaps');
  const started = Date.now();
  const w = await openWatch(h.base, `/api/v1/namespaces/w3/configmaps?watch=true&resourceVersion=${list.json.metadata.resourceVersion}&timeoutSeconds=1`);
  assert.equal(w.status, 200, 'headers arrive with no event written');
  await w.waitEnd(5000);
  assert.ok(Date.now() - started >= 900);
  assert.equal(w.events.length, 0);
});

test('allowWatchBookmarks sends BOOKMARK events carrying a resourceVersion', async () => {
  await mkNs('w4');
  const list = await h.req('GET', '/api/v1/namespaces/w4/configmaps');
  const w = await openWatch(h.base, `/api/v1/namespaces/w4/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=${list.json.metadata.resourceVersion}`);
  try {
    const ev = await w.waitFor((e) => e.type === 'BOOKMARK', 3000);
    assert.equal(ev.object.kind, 'ConfigMap');
    assert.equal(ev.object.apiVersion, 'v1');
    assert.ok(Number(ev.object.metadata.resourceVersion) >= Number(list.json.metadata.resourceVersion));
  } finally {
    w.close();
  }
});

test('a watch with a selector sees objects entering as ADDED and leaving as DELETED', async () => {
  await mkNs('w5');
  await h.req('POST', '/api/v1/namespaces/w5/configmaps', { metadata: { name: 'm', labels: { app: 'no' } } });
  const w = await openWatch(h.base, `/api/v1/namespaces/w5/configmaps?watch=true&labelSelector=app%3Dyes`);
  try {
    await h.req('PATCH', '/api/v1/namespaces/w5/configmaps/m', { metadata: { labels: { app: 'yes' } } }, { 'Content-Type': 'application/merge-patch+json' });
    await h.req('PATCH', '/api/v1/namespaces/w5/configmaps/m', { data: { a: 'b' } }, { 'Content-Type': 'application/merge-patch+json' });
    await h.req('PATCH', '/api/v1/namespaces/w5/configmaps/m', { metadata: { labels: { app: 'no' } } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal((await w.next()).type, 'ADDED');
    assert.equal((await w.next()).type, 'MODIFIED');
    assert.equal((await w.next()).type, 'DELETED');
  } finally {
    w.close();
  }
});

test('watch on a single-object path with a name field selector (kubectl get x -w) and cluster-wide lists', async () => {
  await mkNs('w6');
  await h.req('POST', '/api/v1/namespaces/w6/configmaps', { metadata: { name: 'one' } });
  await h.req('POST', '/api/v1/namespaces/w6/configmaps', { metadata: { name: 'two' } });
  const w = await openWatch(h.base, '/api/v1/namespaces/w6/configmaps?watch=true&fieldSelector=metadata.name%3Done&resourceVersion=0');
  const w2 = await openWatch(h.base, '/api/v1/namespaces/w6/configmaps/two?watch=true');
  try {
    assert.equal((await w.next()).object.metadata.name, 'one');
    assert.equal((await w2.next()).object.metadata.name, 'two');
    await h.req('PATCH', '/api/v1/namespaces/w6/configmaps/two', { data: { x: '1' } }, { 'Content-Type': 'application/merge-patch+json' });
    await h.req('PATCH', '/api/v1/namespaces/w6/configmaps/one', { data: { x: '1' } }, { 'Content-Type': 'application/merge-patch+json' });
    const e = await w.next();
    assert.equal(e.type, 'MODIFIED');
    assert.equal(e.object.metadata.name, 'one');
    const e2 = await w2.next();
    assert.equal(e2.object.metadata.name, 'two');
    assert.equal(w.events.length, 2);
  } finally {
    w.close();
    w2.close();
  }
  const all = await h.req('GET', '/api/v1/configmaps');
  assert.ok(all.json.items.some((i: any) => i.metadata.namespace === 'w6'));
  assert.equal(all.json.kind, 'ConfigMapList');
});

test('many watchers on one resource share one store watch', async () => {
  await mkNs('w7');
  const ws = await Promise.all(Array.from({ length: 50 }, () => openWatch(h.base, '/api/v1/namespaces/w7/configmaps?watch=true&resourceVersion=0')));
  try {
    await h.req('POST', '/api/v1/namespaces/w7/configmaps', { metadata: { name: 'fan' } });
    for (const w of ws) assert.equal((await w.next()).object.metadata.name, 'fan');
    const stats = (h.store as unknown as { stats(): { watchers: number } }).stats?.();
    if (stats) assert.ok(stats.watchers <= 7 + 1, `store watchers: ${stats.watchers}`);
  } finally {
    for (const w of ws) w.close();
  }
});

test('events are stored with a one-hour TTL', async () => {
  const r = await h.req('POST', '/api/v1/namespaces/default/events', { metadata: { name: 'ev1' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'Started' });
  assert.equal(r.status, 201, r.text);
  const kv = (await h.store.get('/registry/core/events/default/ev1')).kv!;
  assert.equal(kv.ttlSeconds, 3600);
  const sel = await h.req('GET', `/api/v1/namespaces/default/events?fieldSelector=${encodeURIComponent('involvedObject.name=p,involvedObject.kind=Pod')}`);
  assert.equal(sel.json.items.length, 1);
});

test('a watcher that stops reading is closed once its buffer passes the limit, not buffered forever', async () => {
  const { connect } = await import('node:net');
  const h2 = await startHarness({ maxWatchBufferBytes: 256 * 1024 });
  const sock = connect(h2.port, '127.0.0.1');
  try {
    await new Promise<void>((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
    sock.write('GET /api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0 HTTP/1.1\r\nHost: x\r\n\r\n');
    sock.pause(); // never read: the server's writes pile up
    const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
    const big = 'x'.repeat(500 * 1024);
    let closedFirst = false;
    void closed.then(() => { closedFirst = true; });
    for (let i = 0; i < 80 && !closedFirst; i++) {
      const r = await h2.req('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `big-${i}` }, data: { v: big } });
      assert.equal(r.status, 201, r.text);
    }
    sock.resume(); // drain what the kernel holds so the close is seen
    await Promise.race([closed, new Promise((_, rej) => setTimeout(() => rej(new Error('slow watcher was never closed')), 10_000))]);
    assert.ok(h2.logs.some((l) => l.includes('closing slow watcher')));
  } finally {
    sock.destroy();
    await h2.stop();
  }
});

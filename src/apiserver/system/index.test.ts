import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { systemRoutes, apiserverMetrics, observeRequest, watchStarted, setStorageObjects } from './index.js';
import { serveRoutes, type RouteServer } from '../route-test-server.js';

let srv: RouteServer;
let ready = true;
let storeUp = true;
const registry = new Registry();
const metrics = apiserverMetrics(registry, { countObjects: () => ({ 'deployments.apps': 7 }) });
before(async () => {
  srv = await serveRoutes(systemRoutes({ ready: () => ready, metrics: registry, checks: [{ name: 'etcd', check: () => storeUp }] }));
});
after(async () => { await srv?.close(); });

test('answers /version with minor 32, which makes the kubectl dispatcher run kubectl 1.32', async () => {
  const r = await fetch(srv.base + '/version?timeout=5s');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/json');
  const v = (await r.json()) as any;
  assert.equal(v.major, '1');
  assert.equal(v.minor, '32');
  assert.equal(v.gitVersion, 'v1.32.0-k8ts');
  for (const k of ['gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform']) assert.equal(typeof v[k], 'string', k);
});

test('answers ok on /healthz, /livez and /readyz, and lists the checks with ?verbose', async () => {
  ready = true;
  for (const p of ['/healthz', '/livez', '/readyz']) {
    const r = await fetch(srv.base + p);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'ok');
  }
  const verbose = await (await fetch(srv.base + '/readyz?verbose')).text();
  assert.match(verbose, /^\[\+\]ping ok\n\[\+\]log ok\n\[\+\]etcd ok\n\[\+\]readiness ok\nreadyz check passed\n$/);
  assert.equal(await (await fetch(srv.base + '/livez/ping')).text(), 'ok');
  assert.equal((await fetch(srv.base + '/livez/nope')).status, 404);
});

test('fails /readyz with 500 and the failing check while not ready, but stays live', async () => {
  ready = false;
  try {
    const r = await fetch(srv.base + '/readyz');
    assert.equal(r.status, 500);
    const body = await r.text();
    assert.match(body, /\[-\]readiness failed: reason withheld/);
    assert.match(body, /readyz check failed\n$/);
    assert.equal((await fetch(srv.base + '/livez')).status, 200);
    assert.equal((await fetch(srv.base + '/readyz?exclude=readiness')).status, 200);
  } finally {
    ready = true;
  }
});

test('fails /healthz when an extra check fails', async () => {
  storeUp = false;
  try {
    assert.equal((await fetch(srv.base + '/healthz')).status, 500);
    assert.equal((await fetch(srv.base + '/healthz/etcd')).status, 500);
  } finally {
    storeUp = true;
  }
});

test('exposes request counts, durations, watchers and stored objects on /metrics', async () => {
  observeRequest(metrics, { verb: 'list', group: '', version: 'v1', resource: 'pods', scope: 'namespace', code: 200, seconds: 0.003 });
  observeRequest(metrics, { verb: 'GET', resource: 'pods', code: 404, seconds: 0.3 });
  const done = watchStarted(metrics, { group: 'apps', version: 'v1', kind: 'Deployment' });
  watchStarted(metrics, { group: 'apps', version: 'v1', kind: 'Deployment' });
  done();
  done();
  setStorageObjects(metrics, 'pods', 3);
  const r = await fetch(srv.base + '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type')!, /^text\/plain/);
  const text = await r.text();
  assert.match(text, /apiserver_request_total\{verb="LIST",dry_run="",group="",version="v1",resource="pods",subresource="",scope="namespace",component="apiserver",code="200"\} 1/);
  assert.match(text, /apiserver_request_total\{[^}]*verb="GET"[^}]*code="404"\} 1/);
  assert.match(text, /apiserver_request_duration_seconds_bucket\{le="0.005",verb="LIST"[^}]*\} 1/);
  assert.match(text, /apiserver_request_duration_seconds_bucket\{le="0.2",verb="GET"[^}]*\} 0/);
  assert.match(text, /apiserver_registered_watchers\{group="apps",version="v1",kind="Deployment"\} 1/);
  assert.match(text, /apiserver_storage_objects\{resource="pods"\} 3/);
  assert.match(text, /apiserver_storage_objects\{resource="deployments.apps"\} 7/);
});

test('declines paths and methods it does not serve', async () => {
  assert.equal((await fetch(srv.base + '/versions')).status, 404);
  assert.equal((await fetch(srv.base + '/healthz', { method: 'POST' })).status, 404);
});

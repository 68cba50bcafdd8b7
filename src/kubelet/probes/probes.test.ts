import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { FakeClock } from '../../machinery/clock.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { runAction, resolvePort, PROBE_USER_AGENT } from './handler.js';
import { ProbeWorker, probeTiming } from './worker.js';

// A test double of the runtime's ExecSync only: the exit code comes from the command.
const execRuntime = { execSync: async (_id: string, cmd: string[]) => ({ stdout: Buffer.from(cmd.join(' ')), stderr: Buffer.alloc(0), exitCode: cmd[0] === 'ok' ? 0 : 1 }) } as unknown as ContainerRuntime;
const container = { name: 'c', ports: [{ name: 'web', containerPort: 8080 }] };

async function withServer(handler: http.RequestListener, fn: (port: number) => Promise<void>): Promise<void> {
  const srv = http.createServer(handler);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try { await fn((srv.address() as AddressInfo).port); } finally { srv.closeAllConnections(); await new Promise((r) => srv.close(r)); }
}

test('httpGet succeeds on 2xx/3xx, fails on 500 and on refused connections', async () => {
  let ua = '';
  await withServer((req, res) => { ua = req.headers['user-agent'] ?? ''; res.statusCode = req.url === '/bad' ? 500 : req.url === '/moved' ? 302 : 200; res.end('body'); }, async (port) => {
    const t = { runtime: execRuntime, containerId: 'x', container, host: '127.0.0.1' };
    assert.deepEqual(await runAction({ httpGet: { path: '/ok', port } }, t, 1), { ok: true, output: 'body' });
    assert.equal(ua, PROBE_USER_AGENT);
    assert.equal((await runAction({ httpGet: { path: '/moved', port } }, t, 1)).ok, true);
    assert.deepEqual(await runAction({ httpGet: { path: '/bad', port } }, t, 1), { ok: false, output: 'HTTP probe failed with statuscode: 500' });
  });
  const free = await freePort();
  const r = await runAction({ httpGet: { path: '/', port: free } }, { runtime: execRuntime, containerId: 'x', container, host: '127.0.0.1' }, 1);
  assert.equal(r.ok, false);
  assert.match(r.output, /connect: connection refused/);
});

test('httpGet times out after timeoutSeconds', async () => {
  await withServer(() => { /* never answers */ }, async (port) => {
    const started = Date.now();
    const r = await runAction({ httpGet: { port } }, { runtime: execRuntime, containerId: 'x', container, host: '127.0.0.1' }, 1);
    assert.equal(r.ok, false);
    assert.match(r.output, /context deadline exceeded/);
    assert.ok(Date.now() - started < 3000);
  });
});

test('tcpSocket connects or reports the refusal', async () => {
  const srv = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const port = (srv.address() as AddressInfo).port;
    assert.equal((await runAction({ tcpSocket: { port } }, { runtime: execRuntime, containerId: 'x', container, host: '127.0.0.1' }, 1)).ok, true);
  } finally { await new Promise((r) => srv.close(r)); }
  const r = await runAction({ tcpSocket: { port: await freePort() } }, { runtime: execRuntime, containerId: 'x', container, host: '127.0.0.1' }, 1);
  assert.match(r.output, /connection refused/);
});

test('exec uses the exit code; named ports resolve from the container', async () => {
  const t = { runtime: execRuntime, containerId: 'x', container, host: '127.0.0.1' };
  assert.equal((await runAction({ exec: { command: ['ok'] } }, t, 1)).ok, true);
  assert.deepEqual(await runAction({ exec: { command: ['fail', 'now'] } }, t, 1), { ok: false, output: 'fail now' });
  assert.equal(resolvePort('web', container as never), 8080);
  assert.throws(() => resolvePort('nope', container as never));
});

test('probe defaults are Kubernetes defaults', () => {
  assert.deepEqual(probeTiming({}, 'readiness'), { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
  assert.equal(probeTiming({ successThreshold: 3 }, 'liveness').successThreshold, 1);
});

test('a liveness worker waits initialDelaySeconds, probes every period and reports after failureThreshold failures', async () => {
  const clock = new FakeClock();
  let ok = true;
  const runtime = { execSync: async () => ({ stdout: Buffer.from('boom'), stderr: Buffer.alloc(0), exitCode: ok ? 0 : 1 }) } as unknown as ContainerRuntime;
  const failures: string[] = [];
  const results: boolean[] = [];
  let runs = 0;
  const countingRuntime = { execSync: async (...a: Parameters<ContainerRuntime['execSync']>) => { runs++; return runtime.execSync(...a); } } as unknown as ContainerRuntime;
  const w = new ProbeWorker({
    type: 'liveness', probe: { exec: { command: ['x'] }, initialDelaySeconds: 5, periodSeconds: 2, failureThreshold: 2 }, clock, startedAt: clock.now(),
    target: { runtime: countingRuntime, containerId: 'c1', container: container as never, host: '127.0.0.1' },
    onFailure: (o) => failures.push(o), onResult: (r) => results.push(r),
  });
  const settle = () => new Promise((r) => setImmediate(r));
  w.start();
  clock.advance(4999); await settle();
  assert.equal(runs, 0, 'nothing before the initial delay');
  clock.advance(1); await settle();
  assert.equal(runs, 1);
  ok = false;
  clock.advance(2000); await settle();
  assert.equal(runs, 2);
  assert.deepEqual(results, [], 'one failure is below the threshold');
  clock.advance(2000); await settle();
  assert.deepEqual(results, [false]);
  assert.equal(w.held, true);
  assert.deepEqual(failures, ['boom', 'boom']);
  clock.advance(10_000); await settle();
  assert.equal(runs, 3, 'held after reporting a liveness failure');
  await w.stop();
});

test('a readiness worker needs successThreshold successes to become ready', async () => {
  const clock = new FakeClock();
  const runtime = { execSync: async () => ({ stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0 }) } as unknown as ContainerRuntime;
  const w = new ProbeWorker({ type: 'readiness', probe: { exec: { command: ['x'] }, successThreshold: 2 }, clock, startedAt: clock.now(), target: { runtime, containerId: 'c', container: container as never, host: '' }, onFailure: () => {}, onResult: () => {} });
  assert.equal(w.result, false);
  await w.tick();
  assert.equal(w.result, false);
  await w.tick();
  assert.equal(w.result, true);
  await w.stop();
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

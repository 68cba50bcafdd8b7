import type { Duplex } from 'node:stream';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { mkdtempSync, mkdirSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { startKubeletServer, containerLogFiles, type KubeletAuth } from './server.js';
import type { RequestAttributes } from '../../apiserver/auth/types.js';

const root = mkdtempSync(join(tmpdir(), 'k8ts-kubelet-server-'));
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { containers: [{ name: 'main' }] } } as unknown as Pod;
const dir = join(root, 'ns_p_u1', 'main');
mkdirSync(dir, { recursive: true });
const rec = (t: string, text: string) => `2026-01-01T00:00:0${t}.000000000Z stdout F ${text}\n`;
writeFileSync(join(dir, '0.log'), rec('1', 'old 1') + rec('2', 'old 2'));
writeFileSync(join(dir, '1.log'), rec('3', 'new 1') + rec('4', 'new 2') + rec('5', 'new 3'));

const execCalls: unknown[] = [];
// The runtime's streaming server: answers the upgrade, then echoes upper-cased.
const streaming = createServer();
/** Sockets the streaming server upgraded: close() waits for them, so after() ends them. */
const upgraded = new Set<Duplex>();
streaming.on('upgrade', (req, socket) => {
  upgraded.add(socket);
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\nConnection: Upgrade\r\nX-Path: ${req.url}\r\n\r\n`);
  socket.on('data', (d: Buffer) => socket.write(d.toString().toUpperCase()));
});
await new Promise<void>((r) => streaming.listen(0, '127.0.0.1', r));
const streamingPort = (streaming.address() as AddressInfo).port;
const attachCalls: unknown[] = [];
const forwardCalls: unknown[] = [];
const runtime = {
  listContainers: async () => [{ id: 'c1' }],
  listPodSandbox: async (f: { state?: string; labelSelector?: Record<string, string> }) =>
    (f.state === 'SANDBOX_READY' && f.labelSelector?.['io.kubernetes.pod.uid'] === 'u1' ? [{ id: 'sb1' }] : []),
  exec: async (req: unknown) => { execCalls.push(req); return { url: `http://127.0.0.1:${streamingPort}/exec/token123` }; },
  attach: async (req: unknown) => { attachCalls.push(req); return { url: `http://127.0.0.1:${streamingPort}/attach/token456` }; },
  portForward: async (req: unknown) => { forwardCalls.push(req); return { url: `http://127.0.0.1:${streamingPort}/portforward/token789` }; },
} as unknown as ContainerRuntime;
const server = await startKubeletServer({
  runtime, logRoot: root, log: () => undefined, port: 0, host: '127.0.0.1', followPollMs: 20,
  findPod: (ns, name) => (ns === 'ns' && name === 'p' ? pod : undefined),
});
after(async () => {
  await server.close();
  // Its connections from the kubelet's stream proxy stay open (keep-alive, upgraded streams): end
  // them, or close() never calls back and the process exits with this hook unfinished (the temp
  // dir left behind).
  streaming.closeAllConnections();
  for (const s of upgraded) s.destroy();
  await new Promise<void>((r) => streaming.close(() => r()));
  rmSync(root, { recursive: true, force: true });
});

function get(path: string): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

test('lists a container\'s log files oldest attempt first', async () => {
  assert.deepEqual(await containerLogFiles(root, pod, 'main'), [join(dir, '0.log'), join(dir, '1.log')]);
});

test('serves the current attempt, the previous one, tail and timestamps', async () => {
  assert.deepEqual(await get('/containerLogs/ns/p/main'), { code: 200, body: 'new 1\nnew 2\nnew 3\n' });
  assert.equal((await get('/containerLogs/ns/p/main?previous=true')).body, 'old 1\nold 2\n');
  assert.equal((await get('/containerLogs/ns/p/main?tailLines=1&timestamps=true')).body, '2026-01-01T00:00:05.000000000Z new 3\n');
  assert.equal((await get('/containerLogs/ns/p/main?limitBytes=3')).body, 'new');
});

test('answers 404 for an unknown pod and 400 for an unknown container', async () => {
  assert.equal((await get('/containerLogs/ns/nope/main')).code, 404);
  const bad = await get('/containerLogs/ns/p/side');
  assert.equal(bad.code, 400);
  assert.match(bad.body, /container side is not valid for pod p/);
});

test('follow streams appended lines and ends when a newer attempt starts', async () => {
  const got = new Promise<{ code: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: '/containerLogs/ns/p/main?follow=true&tailLines=0' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
        if (body === 'new 4\n') writeFileSync(join(dir, '2.log'), rec('7', 'next 1'));
      });
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
  await new Promise((r) => setTimeout(r, 100));
  appendFileSync(join(dir, '1.log'), rec('6', 'new 4'));
  let t: NodeJS.Timeout | undefined;
  const r = await Promise.race([got, new Promise<never>((_, reject) => { t = setTimeout(() => reject(new Error('follow did not end within 5 s')), 5000); })]);
  clearTimeout(t);
  assert.deepEqual(r, { code: 200, body: 'new 4\n' });
  rmSync(join(dir, '2.log'));
});

test('exec asks the runtime for a URL and splices the upgrade onto it', async () => {
  const sock = connect(server.port, '127.0.0.1');
  let data = '';
  sock.on('data', (d: Buffer) => { data += d.toString(); });
  sock.write('POST /exec/ns/p/main?command=sh&command=-c&command=id&stdout=true&stderr=true HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n');
  const deadline = Date.now() + 5000;
  while (!data.includes('PING') && Date.now() < deadline) {
    if (data.includes('\r\n\r\n') && !data.includes('ping-sent')) { sock.write('ping'); data += 'ping-sent'; }
    await new Promise((r) => setTimeout(r, 20));
  }
  sock.destroy();
  assert.match(data, /^HTTP\/1.1 101 /);
  assert.match(data, /X-Path: \/exec\/token123/);
  assert.match(data, /PING/);
  assert.deepEqual(execCalls, [{ containerId: 'c1', cmd: ['sh', '-c', 'id'], tty: false, stdin: false, stdout: true, stderr: true }]);
});

/** Sends an upgrade request and returns what came back once `until` matches (or 5 s passed). */
async function upgrade(port: number, head: string, until: RegExp, send = 'ping'): Promise<string> {
  const sock = connect(port, '127.0.0.1');
  let data = '';
  sock.on('data', (d: Buffer) => { data += d.toString(); });
  sock.on('error', () => undefined);
  sock.write(head);
  const deadline = Date.now() + 5000;
  let sent = false;
  while (!until.test(data) && Date.now() < deadline && !sock.destroyed) {
    if (!sent && /^HTTP\/1.1 101 [^]*\r\n\r\n/.test(data)) { sock.write(send); sent = true; }
    await new Promise((r) => setTimeout(r, 20));
  }
  sock.destroy();
  return data;
}

test('attach asks the runtime for an attach URL, stderr dropped with a TTY, and splices onto it', async () => {
  const data = await upgrade(server.port, 'POST /attach/ns/p/main?stdin=true&stdout=true&stderr=true&tty=true HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n', /PING/);
  assert.match(data, /X-Path: \/attach\/token456/);
  assert.match(data, /PING/);
  assert.deepEqual(attachCalls, [{ containerId: 'c1', tty: true, stdin: true, stdout: true, stderr: false }]);
});

test('portForward forwards into the pod\'s ready sandbox, ports from the query onto the runtime URL', async () => {
  const data = await upgrade(server.port, 'GET /portForward/ns/p?port=8080&port=9090 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n', /PING/);
  assert.match(data, /X-Path: \/portforward\/token789\?port=8080&port=9090/);
  assert.deepEqual(forwardCalls, [{ podSandboxId: 'sb1', port: [8080, 9090] }]);
  const bad = await upgrade(server.port, 'POST /portForward/ns/p?port=70000 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n', /\r\n\r\n.+/);
  assert.match(bad, /^HTTP\/1.1 400 Bad Request/);
  const missing = await upgrade(server.port, 'POST /portForward/ns/nope HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n', /\r\n\r\n.+/);
  assert.match(missing, /^HTTP\/1.1 404 Not Found[^]*pod "nope" not found/);
});

test('with auth, requests are authenticated and authorized as node subresources (a test authenticator)', async () => {
  // Not the real authenticator: a header names the user, and only "admin" is allowed.
  const seen: RequestAttributes[] = [];
  const auth: KubeletAuth = {
    authenticate: async (req) => { const u = req.headers['x-test-user']; return typeof u === 'string' ? { username: u, groups: [] } : null; },
    authorize: async (a) => { seen.push(a); return { allowed: a.user.username === 'admin' }; },
  };
  const secured = await startKubeletServer({
    runtime, logRoot: root, log: () => undefined, port: 0, host: '127.0.0.1', nodeName: 'node-1', auth,
    findPod: (ns, name) => (ns === 'ns' && name === 'p' ? pod : undefined),
  });
  try {
    const get = (path: string, user?: string) => new Promise<{ code: number; body: string }>((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port: secured.port, path, headers: user ? { 'x-test-user': user } : {}, timeout: 5000 }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      });
      r.on('error', reject);
      r.end();
    });
    assert.deepEqual(await get('/containerLogs/ns/p/main'), { code: 401, body: 'Unauthorized\n' });
    assert.deepEqual(await get('/containerLogs/ns/p/main', 'bob'), { code: 403, body: 'Forbidden (user=bob, verb=get, resource=nodes, subresource=proxy)\n' });
    assert.deepEqual(await get('/containerLogs/ns/p/main?tailLines=1', 'admin'), { code: 200, body: 'new 4\n' });
    assert.deepEqual(seen.at(-1), {
      user: { username: 'admin', groups: [] }, verb: 'get', resourceRequest: true, path: '/containerLogs/ns/p/main',
      apiGroup: '', apiVersion: 'v1', resource: 'nodes', subresource: 'proxy', namespace: '', name: 'node-1',
    });
    const head = (user: string) => `POST /exec/ns/p/main?command=id&stdout=true HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Test-User: ${user}\r\n\r\n`;
    assert.match(await upgrade(secured.port, head('bob'), /\r\n\r\n.+/), /^HTTP\/1.1 403 Forbidden[^]*Forbidden \(user=bob, verb=create, resource=nodes, subresource=proxy\)/);
    assert.match(await upgrade(secured.port, head('admin'), /PING/), /^HTTP\/1.1 101 [^]*PING/);
  } finally {
    await secured.close();
  }
});

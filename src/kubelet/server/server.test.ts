import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { mkdtempSync, mkdirSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { startKubeletServer, containerLogFiles } from './server.js';

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
streaming.on('upgrade', (req, socket) => {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\nConnection: Upgrade\r\nX-Path: ${req.url}\r\n\r\n`);
  socket.on('data', (d: Buffer) => socket.write(d.toString().toUpperCase()));
});
await new Promise<void>((r) => streaming.listen(0, '127.0.0.1', r));
const streamingPort = (streaming.address() as AddressInfo).port;
const runtime = {
  listContainers: async () => [{ id: 'c1' }],
  exec: async (req: unknown) => { execCalls.push(req); return { url: `http://127.0.0.1:${streamingPort}/exec/token123` }; },
} as unknown as ContainerRuntime;
const server = await startKubeletServer({
  runtime, logRoot: root, log: () => undefined, port: 0, host: '127.0.0.1', followPollMs: 20,
  findPod: (ns, name) => (ns === 'ns' && name === 'p' ? pod : undefined),
});
after(async () => {
  await server.close();
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

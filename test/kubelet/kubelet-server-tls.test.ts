// The kubelet's HTTPS serving and its authentication/authorization seam, with the API server's
// pods/log and pods/portforward proxy reaching it over TLS with a client certificate
// (ApiServerOptions.kubeletClient). The authenticator and authorizer here are test ones (client
// certificate CN/O as user/group; only system:masters allowed), not the real implementations.
// The runtime is a stand-in whose "streaming server" answers the upgrade and echoes upper-cased.
import type { Duplex } from 'node:stream';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import type { Store } from '../../src/storage/types.js';
import { createApiServer, type ApiServer } from '../../src/apiserver/server.js';
import type { RequestAttributes, UserInfo } from '../../src/apiserver/auth/types.js';
import { RestClient } from '../../src/client/rest.js';
import type { Pod } from '../../src/api/core/v1/pod.js';
import type { ContainerRuntime } from '../../src/kubelet/runtime/types.js';
import { startKubeletServer, type KubeletAuth, type KubeletServer } from '../../src/kubelet/server/server.js';
import { podLogDir } from '../../src/kubelet/pods/sandbox-config.js';
import { NODES, PODS } from '../../src/kubelet/types.js';
import { makeTestPki, type KeyPair, type TestPki } from './test-certs.js';
import { createHash, randomBytes } from 'node:crypto';
import { TUNNEL_PROTOCOL } from '../../src/apiserver/rest/portforward-tunnel.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-kubelet-tls-'));
let pki: TestPki;
let store: Store;
let api: ApiServer;
let apiPort = 0;
let client: RestClient;
let kubelet: KubeletServer;
const streaming = createServer();
/** Sockets the streaming server upgraded: close() waits for them, so after() ends them. */
const upgraded = new Set<Duplex>();
let pod: Pod;
const decisions: RequestAttributes[] = [];
const forwardCalls: unknown[] = [];

// Test authenticator: a client certificate signed by the kubelet's client CA names the user.
const testAuth: KubeletAuth = {
  async authenticate(req: IncomingMessage): Promise<UserInfo | null> {
    const socket = req.socket as TLSSocket;
    if (!socket.authorized) return null;
    const subject = socket.getPeerCertificate().subject;
    const org = subject.O;
    return { username: String(subject.CN), groups: org ? [String(org)] : [] };
  },
  async authorize(a) {
    decisions.push(a);
    return { allowed: a.user.groups.includes('system:masters') };
  },
};

before(async () => {
  pki = makeTestPki();
  streaming.on('upgrade', (req, socket) => {
    upgraded.add(socket);
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\nConnection: Upgrade\r\nX-Path: ${req.url}\r\n\r\n`);
    socket.on('data', (d: Buffer) => socket.write(d.toString().toUpperCase()));
  });
  await new Promise<void>((r) => streaming.listen(0, '127.0.0.1', r));
  const streamingPort = (streaming.address() as AddressInfo).port;

  store = openSqliteStore({ path: join(dir, 'store.db') });
  const apiClientCert = pki.client('kube-apiserver-kubelet-client', 'system:masters');
  api = createApiServer({ store, log: () => undefined, kubeletClient: { ca: pki.ca, ...apiClientCert } });
  apiPort = await api.listen(0, '127.0.0.1');
  client = new RestClient({ server: `http://127.0.0.1:${apiPort}`, timeoutMs: 5000 });

  const runtime = {
    listPodSandbox: async () => [{ id: 'sb1' }],
    portForward: async (req: unknown) => { forwardCalls.push(req); return { url: `http://127.0.0.1:${streamingPort}/portforward/tok` }; },
  } as unknown as ContainerRuntime;
  kubelet = await startKubeletServer({
    runtime, logRoot: join(dir, 'logs'), log: () => undefined, port: 0, host: '127.0.0.1', nodeName: 'node-1', auth: testAuth,
    tls: { ...pki.serving, clientCA: pki.ca },
    findPod: (ns, name) => (pod && ns === 'default' && name === pod.metadata.name ? pod : undefined),
  });

  await client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
  await client.patch(NODES, 'node-1', 'merge', { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } } } }, { subresource: 'status' });
  pod = await client.create<Pod>(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox' }] } } as Pod, { namespace: 'default' });
  const logDir = join(podLogDir(join(dir, 'logs'), pod), 'main');
  mkdirSync(logDir, { recursive: true });
  writeFileSync(join(logDir, '0.log'), '2026-01-01T00:00:01.000000000Z stdout F over tls\n');
});

after(async () => {
  client?.close();
  await kubelet?.close();
  await api?.close();
  await store?.close();
  // Its connections from the kubelet's stream proxy stay open (keep-alive, upgraded streams): end
  // them, or close() never calls back and the process exits with this hook unfinished (the temp
  // dir left behind).
  streaming.closeAllConnections();
  for (const s of upgraded) s.destroy();
  await new Promise<void>((r) => streaming.close(() => r()));
  pki?.remove();
  rmSync(dir, { recursive: true, force: true });
});

function getKubelet(path: string, identity?: KeyPair): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: kubelet.port, path, ca: pki.ca, ...(identity ?? {}), timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function getApi(path: string): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: apiPort, path, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends an upgrade request to the API server; returns what came back once `until` matches (5 s at most). */
async function upgradeApi(head: string, until: RegExp): Promise<string> {
  const sock = connect(apiPort, '127.0.0.1');
  let data = '';
  sock.on('data', (d: Buffer) => { data += d.toString(); });
  sock.on('error', () => undefined);
  sock.write(head);
  let sent = false;
  const deadline = Date.now() + 5000;
  while (!until.test(data) && Date.now() < deadline && !sock.destroyed) {
    if (!sent && /^HTTP\/1.1 101 [^]*\r\n\r\n/.test(data)) { sock.write('ping'); sent = true; }
    await new Promise((r) => setTimeout(r, 20));
  }
  sock.destroy();
  return data;
}

test('the kubelet serves HTTPS and refuses callers without a certificate of its client CA (401)', async () => {
  assert.deepEqual(await getKubelet('/healthz'), { code: 401, body: 'Unauthorized\n' });
  assert.deepEqual(await getKubelet('/healthz', pki.stranger), { code: 401, body: 'Unauthorized\n' });
});

test('an authenticated user the authorizer denies gets 403 with the kubelet\'s Forbidden text', async () => {
  const r = await getKubelet('/containerLogs/default/p/main', pki.client('bob', 'developers'));
  assert.deepEqual(r, { code: 403, body: 'Forbidden (user=bob, verb=get, resource=nodes, subresource=proxy)\n' });
  assert.deepEqual(await getKubelet('/healthz', pki.client('root', 'system:masters')), { code: 200, body: 'ok' });
});

test('pods/log goes from the API server to the kubelet over TLS with the API server\'s client certificate', async () => {
  decisions.length = 0;
  const r = await getApi('/api/v1/namespaces/default/pods/p/log');
  assert.deepEqual(r, { code: 200, body: 'over tls\n' });
  assert.equal(decisions.length, 1);
  assert.deepEqual({ user: decisions[0]!.user.username, verb: decisions[0]!.verb, resource: decisions[0]!.resource, subresource: decisions[0]!.subresource, name: decisions[0]!.name },
    { user: 'kube-apiserver-kubelet-client', verb: 'get', resource: 'nodes', subresource: 'proxy', name: 'node-1' });
});

test('pods/portforward over SPDY is spliced through TLS to the kubelet and on to the runtime', async () => {
  decisions.length = 0;
  const data = await upgradeApi('POST /api/v1/namespaces/default/pods/p/portforward HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n', /PING/);
  assert.match(data, /^HTTP\/1.1 101 /);
  assert.match(data, /X-Path: \/portforward\/tok/);
  assert.match(data, /PING/);
  assert.deepEqual(forwardCalls.at(-1), { podSandboxId: 'sb1', port: [] });
  assert.equal(decisions[0]?.verb, 'create');
});

test('pods/portforward tunnels kubectl 1.31+\'s SPDY-in-WebSocket to the kubelet as SPDY', async () => {
  // By hand: the ws client refuses the subprotocol's name ('/' and '+' are not token characters), kubectl does not.
  forwardCalls.length = 0;
  const key = randomBytes(16).toString('base64');
  const mask = randomBytes(4);
  const payload = Buffer.from('ping');
  const frame = Buffer.concat([Buffer.from([0x82, 0x80 | payload.length]), mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]);
  const sock = connect(apiPort, '127.0.0.1');
  let data = Buffer.alloc(0);
  sock.on('data', (d: Buffer) => { data = Buffer.concat([data, d]); });
  sock.on('error', () => undefined);
  try {
    sock.write(`GET /api/v1/namespaces/default/pods/p/portforward HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Protocol: ${TUNNEL_PROTOCOL}\r\n\r\n`);
    const deadline = Date.now() + 5000;
    let sent = false;
    const end = () => data.indexOf('\r\n\r\n');
    while (Date.now() < deadline && !(end() > 0 && data.length >= end() + 4 + 6)) {
      if (!sent && end() > 0) { sock.write(frame); sent = true; }
      await new Promise((r) => setTimeout(r, 20));
    }
    const head = data.subarray(0, end()).toString();
    assert.match(head, /^HTTP\/1.1 101 /);
    assert.match(head, new RegExp(`Sec-WebSocket-Protocol: ${TUNNEL_PROTOCOL.replace(/[+.]/g, '\\$&')}`));
    assert.match(head, new RegExp(`Sec-WebSocket-Accept: ${createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64').replace(/[+/]/g, '\\$&')}`));
    // One unmasked binary frame back: the stand-in streaming server upper-cased the bytes the kubelet spliced to it.
    assert.deepEqual([...data.subarray(end() + 4)], [0x82, 4, ...Buffer.from('PING')]);
    assert.deepEqual(forwardCalls, [{ podSandboxId: 'sb1', port: [] }]);
  } finally {
    sock.destroy();
  }
});

test('pods/portforward over WebSocket answers the kubelet\'s refusal instead of a handshake (kubectl then falls back)', async () => {
  const data = await upgradeApi('GET /api/v1/namespaces/default/pods/p/portforward?ports=70000 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io\r\n\r\n', /\r\n\r\n.+/);
  assert.match(data, /^HTTP\/1.1 400 BadRequest/);
  assert.match(data, /ports: Invalid value: \\"70000\\"/);
  pod.metadata.name = 'gone-from-node';
  try {
    const refused = await upgradeApi('GET /api/v1/namespaces/default/pods/p/portforward HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io\r\n\r\n', /\r\n\r\n.+/);
    assert.match(refused, /^HTTP\/1.1 404 NotFound[^]*pod \\"p\\" not found in namespace \\"default\\" on this node/);
  } finally {
    pod.metadata.name = 'p';
  }
});

// The service proxy against a real API server and the real kernel: nft programs a network
// namespace this test creates; backends are Node servers on addresses of a veth interface in it,
// and a client in the same namespace connects to ClusterIPs and NodePorts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type TestCluster } from '../client/cluster.js';
import type { RestClient } from '../../src/client/rest.js';
import { startProxy, type RunningProxy } from '../../src/proxy/index.js';
import { ENDPOINTSLICES, SERVICES } from '../../src/proxy/proxier.js';
import { createNetns, jsonLines, type TestNetns } from './netns.js';

const BACKENDS = ['10.244.1.1', '10.244.1.2'];
const CLUSTER_IP = '10.96.200.10';
const NODE_IP = '10.0.5.1';

// One server per backend address; each answers with its own address and closes.
const SERVER = `
const net = require('node:net');
const ips = ${JSON.stringify(BACKENDS)};
let up = 0;
for (const ip of ips) net.createServer((s) => s.end(ip + '\\n')).listen(8080, ip, () => { if (++up === ips.length) console.log(JSON.stringify({ ready: true })); });
`;
// Reads {host, port, n} lines; makes n connections one after another; replies with the counts.
const CLIENT = `
const net = require('node:net');
const rl = require('node:readline').createInterface({ input: process.stdin });
function once(host, port) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = net.connect({ host, port });
    let data = '';
    const timer = setTimeout(() => { s.destroy(); resolve({ error: 'TIMEOUT', ms: Date.now() - t0 }); }, 3000);
    s.on('data', (b) => (data += b));
    s.on('end', () => { clearTimeout(timer); resolve({ answer: data.trim(), ms: Date.now() - t0 }); });
    s.on('error', (e) => { clearTimeout(timer); resolve({ error: e.code, ms: Date.now() - t0 }); });
  });
}
rl.on('line', async (line) => {
  const { host, port, n } = JSON.parse(line);
  const answers = {}, errors = {}, seq = [];
  let maxMs = 0;
  for (let i = 0; i < n; i++) {
    const r = await once(host, port);
    maxMs = Math.max(maxMs, r.ms);
    if (r.answer) answers[r.answer] = (answers[r.answer] || 0) + 1; else errors[r.error] = (errors[r.error] || 0) + 1;
    seq.push(r.answer || r.error);
  }
  console.log(JSON.stringify({ answers, errors, maxMs, seq }));
});
`;

interface Result { answers: Record<string, number>; errors: Record<string, number>; maxMs: number; seq: string[] }

let netns: TestNetns;
let cluster: TestCluster;
let client: RestClient;
let proxy: RunningProxy | undefined;
/** Sync failures the proxy logged (each one forces a full rebuild, which would hide a bad incremental script). */
const failures: string[] = [];
let connect: (host: string, port: number, n: number) => Promise<Result>;

function endpointSlice(ips: string[], ready = true) {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready }, nodeName: 'node-1' })),
  };
}

async function setSlice(ips: string[]): Promise<void> {
  const cur = await client.get<any>(ENDPOINTSLICES, 'web-1', { namespace: 'default' });
  await client.update(ENDPOINTSLICES, { ...endpointSlice(ips), metadata: { ...cur.metadata } });
}

async function waitFor<T>(what: string, deadlineMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  netns = await createNetns();
  // A veth pair kept inside the namespace stands in for the node's interface (no dummy module here).
  await netns.ip('link', 'add', 'dum0', 'type', 'veth', 'peer', 'name', 'dum1');
  await netns.ip('link', 'set', 'dum0', 'up');
  await netns.ip('link', 'set', 'dum1', 'up');
  await netns.ip('addr', 'add', `${NODE_IP}/24`, 'dev', 'dum0');
  for (const ip of BACKENDS) await netns.ip('addr', 'add', `${ip}/32`, 'dev', 'dum0');
  await netns.ip('route', 'add', '10.96.0.0/12', 'dev', 'dum0', 'src', NODE_IP);
  // A table someone else owns: the proxy must leave it alone.
  await netns.exec('nft', ['add', 'table', 'ip', 'someone-else']);
  const server = netns.node(SERVER);
  assert.deepEqual(await jsonLines(server).next(20_000), { ready: true });
  const c = netns.node(CLIENT);
  const replies = jsonLines(c);
  connect = async (host, port, n) => { c.stdin!.write(JSON.stringify({ host, port, n }) + '\n'); return replies.next(60_000); };
  cluster = await startCluster();
  client = cluster.client();
  await client.create(SERVICES, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' },
    spec: { type: 'NodePort', clusterIP: CLUSTER_IP, selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30080 }] },
  } as any);
  await client.create(ENDPOINTSLICES, endpointSlice(BACKENDS) as any);
  proxy = await startProxy({ client, nodeName: 'node-1', nodeIPs: [NODE_IP], netns: netns.name, minSyncPeriodMs: 50,
    log: (msg, fields) => { if (msg.includes('sync failed')) failures.push(String(fields?.error)); } });
  assert.ok(await proxy.idle(20_000), 'first sync finished');
});

after(async () => {
  await proxy?.cleanup().catch(() => undefined);
  await cluster?.close().catch(() => undefined);
  await netns?.close();
});

test('connections to the ClusterIP reach every ready backend', async () => {
  const r = await connect(CLUSTER_IP, 80, 40);
  assert.deepEqual(r.errors, {});
  assert.deepEqual(Object.keys(r.answers).sort(), BACKENDS);
});

test('the NodePort on the node address reaches the backends', async () => {
  const r = await connect(NODE_IP, 30080, 30);
  assert.deepEqual(r.errors, {});
  assert.deepEqual(Object.keys(r.answers).sort(), BACKENDS);
});

test('scaling the endpoints 2 -> 1 is followed within a second, and back', async () => {
  const t0 = Date.now();
  await setSlice([BACKENDS[0]!]);
  // Converged when ten connections in a row all reach the one remaining backend.
  await waitFor('traffic to follow the scale-down', 5000, async () => {
    const r = await connect(CLUSTER_IP, 80, 10);
    return r.answers[BACKENDS[0]!] === 10 ? true : undefined;
  });
  const took = Date.now() - t0;
  assert.ok(took < 1000, `traffic followed after ${took} ms`);
  await setSlice(BACKENDS);
  await waitFor('both backends to answer again', 5000, async () => {
    const r = await connect(CLUSTER_IP, 80, 20);
    return Object.keys(r.answers).length === 2 ? true : undefined;
  });
});

test('the hairpin pairs in the kernel follow the endpoints, with no chain per endpoint', async () => {
  const pairs = async () => {
    const out = await netns.exec('nft', ['list', 'set', 'ip', 'k8ts-proxy', 'hairpin-endpoints']);
    // Only this test's backends: the cluster's own `kubernetes` Service has an endpoint too.
    return [...out.matchAll(/(10\.244\.\d+\.\d+) \. (\d+\.\d+\.\d+\.\d+)/g)].map((m) => `${m[1]}=${m[2]}`).sort().join(' ');
  };
  const both = BACKENDS.map((ip) => `${ip}=${ip}`).join(' ');
  await waitFor('both pairs', 5000, async () => ((await pairs()) === both ? true : undefined));
  await setSlice([BACKENDS[1]!]);
  await waitFor('one pair', 5000, async () => ((await pairs()) === `${BACKENDS[1]}=${BACKENDS[1]}` ? true : undefined));
  await setSlice(BACKENDS);
  await waitFor('both pairs again', 5000, async () => ((await pairs()) === both ? true : undefined));
  const chains = await netns.exec('nft', ['list', 'chains', 'ip']);
  assert.ok(!/chain endpoint-/.test(chains), chains);
});

test('an endpoint that is not ready receives no traffic', async () => {
  const cur = await client.get<any>(ENDPOINTSLICES, 'web-1', { namespace: 'default' });
  const next = endpointSlice(BACKENDS);
  next.endpoints[1]!.conditions.ready = false;
  await client.update(ENDPOINTSLICES, { ...next, metadata: cur.metadata } as any);
  await waitFor('the unready backend to be dropped', 5000, async () => {
    const r = await connect(CLUSTER_IP, 80, 20);
    return r.answers[BACKENDS[0]!] === 20 ? true : undefined;
  });
  await setSlice(BACKENDS);
});

test('session affinity ClientIP keeps a client on one backend', async () => {
  const svc = await client.get<any>(SERVICES, 'web', { namespace: 'default' });
  svc.spec.sessionAffinity = 'ClientIP';
  svc.spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 300 } };
  await client.update(SERVICES, svc);
  await waitFor('affinity rules', 5000, async () => {
    const out = await netns.exec('nft', ['list', 'ruleset']);
    return out.includes('affinity-') ? true : undefined;
  });
  const r = await connect(CLUSTER_IP, 80, 30);
  assert.deepEqual(r.errors, {});
  assert.equal(Object.keys(r.answers).length, 1, JSON.stringify(r.answers));
});

test('a service without endpoints refuses connections at once', async () => {
  await client.delete(ENDPOINTSLICES, 'web-1', { namespace: 'default' });
  const r = await waitFor('the refusal', 5000, async () => {
    const x = await connect(CLUSTER_IP, 80, 1);
    return x.errors.ECONNREFUSED ? x : undefined;
  });
  const again = await connect(CLUSTER_IP, 80, 5);
  assert.deepEqual(again.errors, { ECONNREFUSED: 5 });
  assert.ok(again.maxMs < 500, `refused after ${again.maxMs} ms`);
  assert.ok(r.maxMs < 500);
  const np = await connect(NODE_IP, 30080, 3);
  assert.deepEqual(np.errors, { ECONNREFUSED: 3 });
});

test('changes are applied incrementally, one nft transaction per batch', async () => {
  const before = proxy!.syncs();
  await client.create(ENDPOINTSLICES, endpointSlice(BACKENDS) as any);
  assert.ok(await proxy!.idle(5000));
  await waitFor('the service to work again', 5000, async () => {
    const r = await connect(CLUSTER_IP, 80, 5);
    return Object.keys(r.errors).length === 0 ? true : undefined;
  });
  // The sync is counted once nft returns, which may be just after the rules already carry traffic.
  await waitFor('the sync to be counted', 5000, async () => (proxy!.syncs() > before ? true : undefined));
  // Rules of an unrelated, long-lived service survive every sync: nothing was flushed wholesale.
  const list = await netns.exec('nft', ['list', 'ruleset']);
  assert.match(list, /10\.96\.200\.10 \. tcp \. 80 : goto service-/);
});

test('every incremental sync was accepted by the kernel (none fell back to a full rebuild)', () => {
  assert.deepEqual(failures, []);
});

test('cleanup removes our table and leaves the others', async () => {
  await proxy!.cleanup();
  const tables = await netns.exec('nft', ['list', 'tables']);
  assert.ok(!tables.includes('k8ts-proxy'), tables);
  assert.ok(tables.includes('table ip someone-else'), tables);
  const r = await connect(CLUSTER_IP, 80, 1);
  assert.equal(r.answers[BACKENDS[0]!] ?? r.answers[BACKENDS[1]!], undefined, 'no service routing left');
});

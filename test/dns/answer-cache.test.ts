// The DNS server's encoded-answer cache against a real API server: repeated questions are answered
// from it byte for byte, and any Service or EndpointSlice change is seen at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { startCluster, type TestCluster } from '../client/cluster.js';
import { resourceRef } from '../../src/client/rest.js';
import { startDns, type RunningDns } from '../../src/dns/index.js';
import { decode, encode, RCODE, TYPE, type Message } from '../../src/dns/wire.js';

const SERVICES = resourceRef('', 'v1', 'services');
const ENDPOINTSLICES = resourceRef('discovery.k8s.io', 'v1', 'endpointslices');
let cluster: TestCluster;
let dns: RunningDns | undefined;
let sock: dgram.Socket;

function query(name: string, id: number): Buffer {
  return encode({ id, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, rcode: 0, questions: [{ name, type: TYPE.A, class: 1 }], answers: [] });
}

async function ask(name: string, id = 11): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const t = setTimeout(() => { sock.off('message', on); reject(new Error(`no answer for ${name} within 3 s`)); }, 3000);
    const on = (m: Buffer) => { if (m.readUInt16BE(0) !== id) return; clearTimeout(t); sock.off('message', on); resolve(m); };
    sock.on('message', on);
    sock.send(query(name, id), dns!.port, '127.0.0.1');
  });
}

async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 5000;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const addresses = (m: Message) => m.answers.map((a) => ('address' in a ? a.address : '')).sort();

function slice(ips: string[]) {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'db-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'db' } },
    addressType: 'IPv4', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }], endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })) };
}

before(async () => {
  cluster = await startCluster();
  const client = cluster.client();
  await client.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.96.0.60', ports: [{ port: 80 }] } } as any);
  await client.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'default' }, spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] } } as any);
  await client.create(ENDPOINTSLICES, slice(['10.244.0.5']) as any);
  dns = await startDns({ client, listen: { host: '127.0.0.1', port: 0 }, upstream: '127.0.0.1:9' });
  sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
});

after(async () => {
  sock?.close();
  await dns?.stop();
  await cluster?.close();
});

test('a repeated question is answered from the cache with the same bytes, apart from its id', async () => {
  const first = await ask('web.default.svc.cluster.local', 21);
  const hits = dns!.cacheHits();
  const second = await ask('web.default.svc.cluster.local', 22);
  assert.equal(dns!.cacheHits(), hits + 1);
  assert.equal(second.readUInt16BE(0), 22);
  assert.deepEqual(second.subarray(2), first.subarray(2));
  assert.deepEqual(addresses(decode(second)), ['10.96.0.60']);
  assert.ok(decode(second).aa && decode(second).rd && decode(second).ra);
});

test('a question in other letter case shares the cached answer and gets its own spelling back', async () => {
  await ask('web.default.svc.cluster.local', 31);
  const hits = dns!.cacheHits();
  const r = decode(await ask('WeB.Default.SVC.cluster.local', 32));
  assert.equal(dns!.cacheHits(), hits + 1);
  assert.equal(r.questions[0]!.name, 'WeB.Default.SVC.cluster.local');
  assert.deepEqual(addresses(r), ['10.96.0.60']);
});

test('an EndpointSlice change replaces the cached addresses of a headless service', async () => {
  assert.deepEqual(addresses(decode(await ask('db.default.svc.cluster.local', 41))), ['10.244.0.5']);
  const cur = await cluster.client().get<any>(ENDPOINTSLICES, 'db-1', { namespace: 'default' });
  await cluster.client().update(ENDPOINTSLICES, { ...slice(['10.244.0.6', '10.244.0.7']), metadata: cur.metadata } as any);
  await until('the new endpoints to be answered', async () => addresses(decode(await ask('db.default.svc.cluster.local', 42))).join() === '10.244.0.6,10.244.0.7');
});

test('a deleted service is NXDOMAIN again, not its cached address', async () => {
  assert.equal(decode(await ask('web.default.svc.cluster.local', 51)).rcode, RCODE.NOERROR);
  await cluster.client().delete(SERVICES, 'web', { namespace: 'default' });
  await until('NXDOMAIN after the delete', async () => decode(await ask('web.default.svc.cluster.local', 52)).rcode === RCODE.NXDOMAIN);
});

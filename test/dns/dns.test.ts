// Cluster DNS against a real API server: real UDP and TCP queries on loopback; names outside the
// cluster domain go to an upstream resolver (a second server this test runs on loopback).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { startCluster, type TestCluster } from '../client/cluster.js';
import { resourceRef } from '../../src/client/rest.js';
import { startDns, upstreamFromResolvConf, type RunningDns } from '../../src/dns/index.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, encode, RCODE, TYPE, type Message } from '../../src/dns/wire.js';

const SERVICES = resourceRef('', 'v1', 'services');
let cluster: TestCluster;
let dns: RunningDns | undefined;
let upstream: dgram.Socket;

function query(name: string, type: number = TYPE.A, id = 7): Buffer {
  return encode({ id, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, rcode: 0, questions: [{ name, type, class: 1 }], answers: [] });
}

async function udpAsk(port: number, name: string, type: number = TYPE.A): Promise<Message> {
  const s = dgram.createSocket('udp4');
  try {
    return await new Promise<Message>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no UDP answer for ${name} within 3 s`)), 3000);
      s.on('message', (m) => { clearTimeout(t); resolve(decode(m)); });
      s.send(query(name, type), port, '127.0.0.1');
    });
  } finally {
    s.close();
  }
}

before(async () => {
  cluster = await startCluster();
  const client = cluster.client();
  await client.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.96.0.42', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } } as any);
  // The upstream: answers every name with 192.0.2.1.
  upstream = dgram.createSocket('udp4');
  upstream.on('message', (m, r) => {
    const q = decode(m);
    upstream.send(encode({ ...q, qr: true, ra: true, answers: [{ name: q.questions[0]!.name, ttl: 60, type: TYPE.A, address: '192.0.2.1' }] }), r.port, r.address);
  });
  await new Promise<void>((r) => upstream.bind(0, '127.0.0.1', r));
  dns = await startDns({ client, listen: { host: '127.0.0.1', port: 0 }, upstream: `127.0.0.1:${upstream.address().port}` });
});

after(async () => {
  await dns?.stop();
  upstream?.close();
  await cluster?.close();
});

test('a UDP query for a service answers its ClusterIP', async () => {
  const r = await udpAsk(dns!.port, 'web.default.svc.cluster.local');
  assert.equal(r.id, 7);
  assert.equal(r.rcode, RCODE.NOERROR);
  assert.ok(r.aa);
  assert.deepEqual(r.answers.map((a) => 'address' in a && a.address), ['10.96.0.42']);
});

test('a service created later is answered once the informer sees it; unknown ones are NXDOMAIN', async () => {
  assert.equal((await udpAsk(dns!.port, 'late.default.svc.cluster.local')).rcode, RCODE.NXDOMAIN);
  await cluster.client().create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'late', namespace: 'default' }, spec: { clusterIP: '10.96.0.43', ports: [{ port: 80 }] } } as any);
  const end = Date.now() + 5000;
  for (;;) {
    const r = await udpAsk(dns!.port, 'late.default.svc.cluster.local');
    if (r.rcode === RCODE.NOERROR) { assert.deepEqual(r.answers.map((a) => 'address' in a && a.address), ['10.96.0.43']); break; }
    assert.ok(Date.now() < end, 'the new service was never answered');
    await new Promise((res) => setTimeout(res, 50));
  }
});

test('SRV over TCP names the port', async () => {
  const s = net.connect(dns!.port, '127.0.0.1');
  try {
    const q = query('_http._tcp.web.default.svc.cluster.local', TYPE.SRV, 9);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(q.length);
    s.write(Buffer.concat([len, q]));
    const r = await new Promise<Message>((resolve, reject) => {
      let buf = Buffer.alloc(0);
      const t = setTimeout(() => reject(new Error('no TCP answer within 3 s')), 3000);
      s.on('data', (b: Buffer) => { buf = Buffer.concat([buf, b]); if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) { clearTimeout(t); resolve(decode(buf.subarray(2))); } });
      s.on('error', reject);
    });
    assert.equal(r.id, 9);
    assert.deepEqual(r.answers.map((a) => 'port' in a && [a.port, a.target]), [[80, 'web.default.svc.cluster.local']]);
  } finally {
    s.destroy();
  }
});

test('names outside the cluster domain are forwarded upstream', async () => {
  const r = await udpAsk(dns!.port, 'www.example.org');
  assert.equal(r.rcode, RCODE.NOERROR);
  assert.deepEqual(r.answers.map((a) => 'address' in a && a.address), ['192.0.2.1']);
});

test('a resolver that does not answer hands the query to the next one', async () => {
  // A port nothing answers on (bound, then closed), before the working upstream.
  const dead = dgram.createSocket('udp4');
  await new Promise<void>((r) => dead.bind(0, '127.0.0.1', r));
  const deadPort = dead.address().port;
  dead.close();
  const d = await startDns({ client: cluster.client(), listen: { host: '127.0.0.1', port: 0 }, upstream: `127.0.0.1:${deadPort}, 127.0.0.1:${upstream.address().port}`, upstreamTimeoutMs: 300 });
  try {
    const r = await udpAsk(d.port, 'www.example.net');
    assert.equal(r.rcode, RCODE.NOERROR);
    assert.deepEqual(r.answers.map((a) => 'address' in a && a.address), ['192.0.2.1']);
  } finally {
    await d.stop();
  }
});

test('the upstreams default to the first three nameservers of resolv.conf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-resolv-'));
  try {
    const f = join(dir, 'resolv.conf');
    writeFileSync(f, 'search example.org\nnameserver 10.0.0.2\n# nameserver 10.0.0.9\nnameserver 10.0.0.3\noptions ndots:2\nnameserver 2001:db8::1\nnameserver 10.0.0.4\n');
    assert.equal(upstreamFromResolvConf(f), '10.0.0.2,10.0.0.3,2001:db8::1');
    writeFileSync(f, 'search example.org\n');
    assert.equal(upstreamFromResolvConf(f), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

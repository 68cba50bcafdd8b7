// `k8ts server`'s cluster DNS wiring against a real API server: it publishes the kube-dns Service,
// Endpoints and EndpointSlice naming its listener, answers cluster names from the API and forwards
// the rest upstream; a restart rewrites the same objects, and a kube-dns left at another ClusterIP
// is replaced. (The bridge and the proxy's DNAT are proven by test/e2e/services.test.ts.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { networkInterfaces, tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubeconfig } from '../../src/cmd/apiserver.js';
import { startCluster, type TestCluster } from '../client/cluster.js';
import { resourceRef } from '../../src/client/rest.js';
import { decode, encode, RCODE, TYPE, type Message } from '../../src/dns/wire.js';
import { kubeDnsSliceName, startServerDns, type ServerDns } from '../../src/cmd/server-dns.js';

const K8TS = join(import.meta.dirname, '..', '..', 'src', 'cmd', 'k8ts.js');
const SERVICES = resourceRef('', 'v1', 'services');
const ENDPOINTS = resourceRef('', 'v1', 'endpoints');
const SLICES = resourceRef('discovery.k8s.io', 'v1', 'endpointslices');

// Endpoints may not name loopback (the API server refuses it, as Kubernetes does): listen on this
// host's own address.
const ADDR = Object.values(networkInterfaces()).flatMap((l) => l ?? []).find((a) => a.family === 'IPv4' && !a.internal)?.address;
let cluster: TestCluster;
let upstream: dgram.Socket;
const running: ServerDns[] = [];

async function ask(port: number, name: string, type: number = TYPE.A): Promise<Message> {
  const s = dgram.createSocket('udp4');
  try {
    return await new Promise<Message>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no answer for ${name} within 3 s`)), 3000);
      s.on('message', (m) => { clearTimeout(t); resolve(decode(m)); });
      s.send(encode({ id: 9, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, rcode: 0, questions: [{ name, type, class: 1 }], answers: [] }), port, ADDR);
    });
  } finally {
    s.close();
  }
}

const start = async (clusterIP = '10.96.0.10', nodeName = 'node-a') => {
  const d = await startServerDns({
    client: cluster.client(), nodeName, clusterIP, clusterDomain: 'cluster.local',
    listenAddress: ADDR, port: 0, upstream: `127.0.0.1:${(upstream.address()).port}`,
  });
  running.push(d);
  return d;
};
const stop = async (d: ServerDns) => { running.splice(running.indexOf(d), 1); await d.stop(); };

before(async () => {
  assert.ok(ADDR, 'this test needs a non-loopback IPv4 address');
  cluster = await startCluster();
  upstream = dgram.createSocket('udp4');
  upstream.on('message', (m, r) => {
    const q = decode(m);
    upstream.send(encode({ ...q, qr: true, ra: true, answers: [{ name: q.questions[0]!.name, ttl: 60, type: TYPE.A, address: '198.51.100.7' }] }), r.port, r.address);
  });
  await new Promise<void>((r) => upstream.bind(0, '127.0.0.1', r));
});

after(async () => {
  for (const d of [...running]) await d.stop().catch(() => undefined);
  upstream?.close();
  await cluster?.close();
});

test('publishes kube-dns at the cluster DNS address, pointing at the listener, and answers cluster and outside names', async () => {
  const d = await start();
  try {
    const client = cluster.client();
    const svc = await client.get<any>(SERVICES, 'kube-dns', { namespace: 'kube-system' });
    assert.equal(svc.spec.clusterIP, '10.96.0.10');
    assert.deepEqual(svc.spec.ports.map((p: any) => `${p.name}/${p.protocol}/${p.port}`), ['dns/UDP/53', 'dns-tcp/TCP/53']);
    const slice = await client.get<any>(SLICES, kubeDnsSliceName('node-a'), { namespace: 'kube-system' });
    assert.deepEqual(slice.endpoints.map((e: any) => e.addresses[0]), [ADDR]);
    assert.deepEqual(slice.ports.map((p: any) => p.port), [d.port, d.port]);
    const ep = await client.get<any>(ENDPOINTS, 'kube-dns', { namespace: 'kube-system' });
    assert.deepEqual(ep.subsets[0].addresses.map((a: any) => a.ip), [ADDR]);

    // kube-dns resolves itself: the informer cache holds what was just written.
    const self = await ask(d.port, 'kube-dns.kube-system.svc.cluster.local');
    assert.equal(self.rcode, RCODE.NOERROR);
    assert.deepEqual(self.answers.map((a) => 'address' in a && a.address), ['10.96.0.10']);
    const srv = await ask(d.port, '_dns._udp.kube-dns.kube-system.svc.cluster.local', TYPE.SRV);
    assert.deepEqual(srv.answers.map((a) => 'port' in a && a.port), [53]);
    const outside = await ask(d.port, 'example.org');
    assert.deepEqual(outside.answers.map((a) => 'address' in a && a.address), ['198.51.100.7']);
  } finally {
    await stop(d);
  }
});

test('a restart rewrites the endpoints to the new listener and keeps one Service and one slice', async () => {
  const first = await start();
  const firstPort = first.port;
  await stop(first);
  const second = await start();
  try {
    const client = cluster.client();
    const slices = await client.list<any>(SLICES, { namespace: 'kube-system', labelSelector: 'kubernetes.io/service-name=kube-dns' });
    assert.equal(slices.items.length, 1);
    assert.deepEqual(slices.items[0].ports.map((p: any) => p.port), [second.port, second.port]);
    const ep = await client.get<any>(ENDPOINTS, 'kube-dns', { namespace: 'kube-system' });
    assert.equal(ep.subsets[0].ports[0].port, second.port);
    if (second.port !== firstPort) assert.notEqual(ep.subsets[0].ports[0].port, firstPort);
    const services = await client.list<any>(SERVICES, { namespace: 'kube-system' });
    assert.deepEqual(services.items.map((s: any) => s.metadata.name), ['kube-dns']);
  } finally {
    await stop(second);
  }
});

test('each server adds its own endpoint and withdraws it when it stops', async () => {
  const a = await start();
  const b = await start('10.96.0.10', 'node-b');
  const client = cluster.client();
  const endpointsOf = async () => {
    const ep = await client.get<any>(ENDPOINTS, 'kube-dns', { namespace: 'kube-system' });
    return (ep.subsets ?? []).flatMap((s: any) => s.addresses.map((x: any) => `${x.nodeName}:${s.ports[0].port}`)).sort();
  };
  const slices = async () => (await client.list<any>(SLICES, { namespace: 'kube-system', labelSelector: 'kubernetes.io/service-name=kube-dns' })).items.map((s: any) => s.metadata.name).sort();
  try {
    assert.deepEqual(await endpointsOf(), [`node-a:${a.port}`, `node-b:${b.port}`]);
    assert.deepEqual(await slices(), [kubeDnsSliceName('node-a'), kubeDnsSliceName('node-b')]);
    await stop(b);
    assert.deepEqual(await endpointsOf(), [`node-a:${a.port}`]);
    assert.deepEqual(await slices(), [kubeDnsSliceName('node-a')]);
  } finally {
    if (running.includes(b)) await stop(b);
    await stop(a);
  }
  assert.deepEqual(await endpointsOf(), []);
});

test('a kube-dns Service at another ClusterIP is replaced by one at the configured address', async () => {
  const d = await start('10.96.0.53');
  try {
    const svc = await cluster.client().get<any>(SERVICES, 'kube-dns', { namespace: 'kube-system' });
    assert.equal(svc.spec.clusterIP, '10.96.0.53');
    const a = await ask(d.port, 'kube-dns.kube-system.svc.cluster.local');
    assert.deepEqual(a.answers.map((x) => 'address' in x && x.address), ['10.96.0.53']);
  } finally {
    await stop(d);
  }
});

test('a cluster DNS address another Service holds is refused with an actionable error', async () => {
  const client = cluster.client();
  await client.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'squatter', namespace: 'default' }, spec: { clusterIP: '10.96.0.77', ports: [{ port: 80, protocol: 'TCP' }] } } as any);
  await assert.rejects(start('10.96.0.77'), /cannot create Service kube-system\/kube-dns with clusterIP 10\.96\.0\.77 \(choose another with --cluster-dns\)/);
});

test('`k8ts dns --publish-address` (installed on its own) puts itself behind kube-dns, answers, and withdraws on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-dns-cmd-'));
  const kc = join(dir, 'kubeconfig');
  writeFileSync(kc, kubeconfig(cluster.base));
  const probe = dgram.createSocket('udp4');
  await new Promise<void>((r) => probe.bind(0, ADDR, r));
  const port = probe.address().port;
  probe.close();
  const child = spawn(process.execPath, [K8TS, 'dns', '--kubeconfig', kc, '--listen', ADDR!, '--port', String(port), '--publish-address', ADDR!,
    '--node-name', 'node-z', '--cluster-dns', '10.96.0.10', '--upstream', `127.0.0.1:${(upstream.address()).port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => { stderr += b.toString(); });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const client = cluster.client();
    const deadline = Date.now() + 20_000;
    let slice: any = null;
    while (!slice) {
      slice = await client.get<any>(SLICES, kubeDnsSliceName('node-z'), { namespace: 'kube-system' }).catch(() => null);
      if (!slice && Date.now() > deadline) throw new Error(`k8ts dns published nothing within 20 s:\n${stderr}`);
      if (!slice) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(slice.endpoints.map((e: any) => e.addresses[0]), [ADDR]);
    assert.deepEqual(slice.ports.map((p: any) => p.port), [port, port]);
    const svc = await client.get<any>(SERVICES, 'kube-dns', { namespace: 'kube-system' });
    assert.equal(svc.spec.clusterIP, '10.96.0.10');
    const self = await ask(port, 'kube-dns.kube-system.svc.cluster.local');
    assert.deepEqual(self.answers.map((x) => 'address' in x && x.address), ['10.96.0.10']);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    await assert.rejects(client.get<any>(SLICES, kubeDnsSliceName('node-z'), { namespace: 'kube-system' }), /not found/);
    const ep = await client.get<any>(ENDPOINTS, 'kube-dns', { namespace: 'kube-system' }).catch(() => null);
    assert.ok(!(ep?.subsets ?? []).some((s: any) => (s.addresses ?? []).some((a: any) => a.nodeName === 'node-z')));
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

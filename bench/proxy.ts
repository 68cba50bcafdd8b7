// npm run bench proxy [-- --services N --endpoints E --api-services M --samples S]
// The nftables service proxy, inside a network namespace this bench creates (never the host's):
//  1. kernel: a table of N services (default 10,000) x E endpoints (10) loaded, then the time to add
//     one service / change one service's endpoints (diff + render + one `nft -f -` transaction).
//     Anchor: 141 ms for Kubernetes' nftables proxier to add one service to 10,000. Goal <= 50 ms p99.
//  2. end to end: M services (1,000) x E endpoints in a real in-process API server, the proxy
//     following them through informers; an EndpointSlice update -> rules in the kernel, p50/p99.
//  3. connections/s through a ClusterIP versus straight to the backend, same run (goal >= 90 %).
//  4. DNS: queries/s and p99 against the cluster DNS server over those services (goal >= 20,000/s).
// Prints a table, writes JSON to bench/results/proxy-<ISO date>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Service } from '../src/api/core/v1/services.js';
import type { EndpointSlice } from '../src/api/discovery/v1/endpointslices.js';
import { nftRunner } from '../src/proxy/nft.js';
import { cleanupScript, diffRules, fullScript, renderDiffs, serviceRules, type ServiceRules } from '../src/proxy/rules.js';
import { startProxy } from '../src/proxy/index.js';
import { ENDPOINTSLICES, SERVICES } from '../src/proxy/proxier.js';
import { startCluster } from '../test/client/cluster.js';
import dgram from 'node:dgram';
import type { RestClient } from '../src/client/rest.js';
import { startDns } from '../src/dns/index.js';
import { encode, TYPE } from '../src/dns/wire.js';
import { createNetns, jsonLines, type TestNetns } from '../test/proxy/netns.js';

const ANCHOR_ADD_MS = 141;
const GOAL_ADD_P99_MS = 50;

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const N = flag('services', 10_000);
const E = flag('endpoints', 10);
const M = flag('api-services', 1000);
const SAMPLES = flag('samples', 50);
const NODE = { nodeName: 'bench-node', nodeIPs: ['10.0.5.1'] };

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
}
const r1 = (x: number) => Math.round(x * 10) / 10;

// Service i: ClusterIP from 10.96.0.16 up; endpoints numbered from 10.128.0.0 up.
function ipOf(base: number, n: number): string {
  const v = base + n;
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}
const SVC_BASE = (10 << 24) | (96 << 16);
const EP_BASE = (10 << 24) | (128 << 16);
function service(i: number): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'bench', name: `svc-${i}` }, spec: { clusterIP: ipOf(SVC_BASE, i + 16), ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }] } } as Service;
}
function slice(i: number, shift = 0): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { namespace: 'bench', name: `svc-${i}-1`, labels: { 'kubernetes.io/service-name': `svc-${i}` } },
    addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: Array.from({ length: E }, (_, j) => ({ addresses: [ipOf(EP_BASE, i * E + j + shift)], conditions: { ready: true }, nodeName: 'other' })),
  } as EndpointSlice;
}

async function kernelStage(netns: TestNetns) {
  const nft = nftRunner({ netns: netns.name, timeoutMs: 600_000 });
  let t = performance.now();
  const all = new Map<number, ServiceRules>();
  for (let i = 0; i < N; i++) all.set(i, serviceRules(service(i), [slice(i)], NODE));
  const genMs = performance.now() - t;
  t = performance.now();
  await nft.apply(fullScript(NODE, all.values()));
  const loadMs = performance.now() - t;
  const add: number[] = [];
  const del: number[] = [];
  const change: number[] = [];
  for (let k = 0; k < SAMPLES; k++) {
    const i = N + k;
    t = performance.now();
    const r = serviceRules(service(i), [slice(i)], NODE);
    await nft.apply(renderDiffs([diffRules(undefined, r)]));
    add.push(performance.now() - t);
    const victim = (k * 7919) % N;
    t = performance.now();
    const next = serviceRules(service(victim), [slice(victim, k % 2 ? 0 : 1)], NODE);
    await nft.apply(renderDiffs([diffRules(all.get(victim), next)]));
    all.set(victim, next);
    change.push(performance.now() - t);
    t = performance.now();
    await nft.apply(renderDiffs([diffRules(r, undefined)]));
    del.push(performance.now() - t);
  }
  await nft.apply(cleanupScript());
  return { services: N, endpointsPerService: E, generateMs: r1(genMs), fullLoadMs: r1(loadMs),
    addOneP50Ms: r1(pct(add, 50)), addOneP99Ms: r1(pct(add, 99)), changeOneP50Ms: r1(pct(change, 50)), changeOneP99Ms: r1(pct(change, 99)),
    removeOneP50Ms: r1(pct(del, 50)), removeOneP99Ms: r1(pct(del, 99)) };
}

const SERVER = `require('node:net').createServer((s) => s.end('x')).listen(8080, '10.250.0.1', () => console.log('{"ready":true}'));`;
const CLIENT = `
const net = require('node:net');
const [host, port, n] = process.argv.slice(1);
let done = 0, errors = 0;
const t0 = process.hrtime.bigint();
function one() {
  const s = net.connect({ host, port: Number(port) });
  s.on('data', () => undefined);
  const next = () => { if (++done < Number(n)) one(); else console.log(JSON.stringify({ perSec: Number(n) / (Number(process.hrtime.bigint() - t0) / 1e9), errors })); };
  s.on('end', next);
  s.on('error', () => { errors++; next(); });
}
one();
`;

// DNS queries/s: one UDP socket in this process keeps 64 queries outstanding for DURATION ms.
async function dnsStage(client: RestClient, durationMs = 5000) {
  const dns = await startDns({ client, listen: { host: '127.0.0.1', port: 0 }, upstream: '127.0.0.1:9' });
  const sock = dgram.createSocket('udp4');
  try {
    const sent = new Map<number, number>();
    const lat: number[] = [];
    let nextId = 1;
    let answered = 0;
    const queries = Array.from({ length: 100 }, (_, i) => `svc-${i}.bench.svc.cluster.local`);
    const send = () => {
      const id = nextId = (nextId + 1) & 0xffff;
      sent.set(id, performance.now());
      sock.send(encode({ id, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, rcode: 0, questions: [{ name: queries[id % queries.length]!, type: TYPE.A, class: 1 }], answers: [] }), dns.port, '127.0.0.1');
    };
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      sock.on('message', (m) => {
        const t = sent.get(m.readUInt16BE(0));
        if (t === undefined) return;
        sent.delete(m.readUInt16BE(0));
        lat.push(performance.now() - t);
        answered++;
        if (performance.now() - t0 < durationMs) send();
        else if (sent.size === 0) resolve();
      });
      // Lost datagrams would stall the window: end at the deadline regardless.
      setTimeout(resolve, durationMs + 2000);
      for (let i = 0; i < 64; i++) send();
    });
    const secs = (performance.now() - t0) / 1000;
    return { qps: Math.round(answered / secs), p50Ms: r1(pct(lat, 50)), p99Ms: r1(pct(lat, 99)), goalQps: 20_000 };
  } finally {
    sock.close();
    await dns.stop();
  }
}

async function apiStage(netns: TestNetns) {
  const cluster = await startCluster();
  const client = cluster.client({ timeoutMs: 60_000 });
  let proxy: Awaited<ReturnType<typeof startProxy>> | undefined;
  try {
    await client.create({ group: '', version: 'v1', plural: 'namespaces', namespaced: false }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } } as any);
    let t = performance.now();
    const work = Array.from({ length: M }, (_, i) => i);
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let i = work.shift(); i !== undefined; i = work.shift()) {
        await client.create(SERVICES, service(i));
        await client.create(ENDPOINTSLICES, slice(i));
      }
    }));
    // One service with a real backend for the connection-rate comparison.
    const conn = service(M);
    conn.metadata.name = 'conn';
    await client.create(SERVICES, conn);
    await client.create(ENDPOINTSLICES, { ...slice(M), metadata: { namespace: 'bench', name: 'conn-1', labels: { 'kubernetes.io/service-name': 'conn' } },
      endpoints: [{ addresses: ['10.250.0.1'], conditions: { ready: true } }] } as EndpointSlice);
    const createMs = performance.now() - t;
    t = performance.now();
    proxy = await startProxy({ client, nodeName: NODE.nodeName, nodeIPs: NODE.nodeIPs, netns: netns.name, minSyncPeriodMs: 0 });
    if (!(await proxy.idle(600_000))) throw new Error('first sync did not finish');
    const firstSyncMs = performance.now() - t;
    const lat: number[] = [];
    for (let k = 0; k < SAMPLES; k++) {
      const i = (k * 31) % M;
      const before = proxy.syncs();
      t = performance.now();
      const cur = await client.get<EndpointSlice>(ENDPOINTSLICES, `svc-${i}-1`, { namespace: 'bench' });
      await client.update(ENDPOINTSLICES, { ...slice(i, k + 1), metadata: cur.metadata });
      const end = Date.now() + 30_000;
      while (proxy.syncs() === before || !(await proxy.idle(30_000))) {
        if (Date.now() > end) throw new Error('change not programmed within 30 s');
        await new Promise((r) => setTimeout(r, 1));
      }
      lat.push(performance.now() - t);
    }
    // Connections/s: ClusterIP versus the backend's own address, one after the other.
    const server = netns.node(SERVER);
    await jsonLines(server).next(30_000);
    const rate = async (host: string, port: number) => {
      const c = netns.node(`${CLIENT}`.replace('process.argv.slice(1)', JSON.stringify([host, String(port), '3000'])));
      return (await jsonLines(c).next(120_000)) as { perSec: number; errors: number };
    };
    const direct1 = await rate('10.250.0.1', 8080);
    const viaService = await rate(conn.spec!.clusterIP!, 80);
    const direct2 = await rate('10.250.0.1', 8080);
    const direct = (direct1.perSec + direct2.perSec) / 2;
    const dns = await dnsStage(client);
    return { dns,
      services: M, endpointsPerService: E, createMs: r1(createMs), firstSyncMs: r1(firstSyncMs),
      changeToKernelP50Ms: r1(pct(lat, 50)), changeToKernelP99Ms: r1(pct(lat, 99)),
      connPerSecDirect: Math.round(direct), connPerSecClusterIP: Math.round(viaService.perSec), clusterIPRatio: r1((100 * viaService.perSec) / direct) / 100,
      connErrors: direct1.errors + direct2.errors + viaService.errors,
    };
  } finally {
    await proxy?.cleanup().catch(() => undefined);
    await cluster.close().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const netns = await createNetns('k8ts-bench');
  try {
    await netns.ip('link', 'add', 'b0', 'type', 'veth', 'peer', 'name', 'b1');
    await netns.ip('link', 'set', 'b0', 'up');
    await netns.ip('link', 'set', 'b1', 'up');
    await netns.ip('addr', 'add', '10.0.5.1/24', 'dev', 'b0');
    await netns.ip('addr', 'add', '10.250.0.1/32', 'dev', 'b0');
    await netns.ip('route', 'add', '10.96.0.0/12', 'dev', 'b0', 'src', '10.0.5.1');
    const kernel = await kernelStage(netns);
    console.log(`kernel, ${kernel.services} services x ${kernel.endpointsPerService} endpoints`);
    console.table({
      'generate all rules (ms)': kernel.generateMs, 'load full table (ms)': kernel.fullLoadMs,
      'add one service p50/p99 (ms)': `${kernel.addOneP50Ms} / ${kernel.addOneP99Ms} (anchor ${ANCHOR_ADD_MS}, goal <= ${GOAL_ADD_P99_MS} p99)`,
      'change one service p50/p99 (ms)': `${kernel.changeOneP50Ms} / ${kernel.changeOneP99Ms}`,
      'remove one service p50/p99 (ms)': `${kernel.removeOneP50Ms} / ${kernel.removeOneP99Ms}`,
    });
    const api = await apiStage(netns);
    console.log(`end to end through the API server, ${api.services} services x ${api.endpointsPerService} endpoints`);
    console.table({
      'create objects (ms)': api.createMs, 'first full sync (ms)': api.firstSyncMs,
      'slice update -> kernel p50/p99 (ms)': `${api.changeToKernelP50Ms} / ${api.changeToKernelP99Ms}`,
      'connections/s direct / ClusterIP': `${api.connPerSecDirect} / ${api.connPerSecClusterIP} (${Math.round(api.clusterIPRatio * 100)} %, goal >= 90 %)`,
      'DNS queries/s (p50/p99 ms)': `${api.dns.qps} (${api.dns.p50Ms} / ${api.dns.p99Ms}; goal >= 20,000/s)`,
    });
    const date = new Date().toISOString();
    const outDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `proxy-${date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ bench: 'proxy', date, cpus: cpus().length, samples: SAMPLES,
      anchor: { addOneServiceAt10kMs: ANCHOR_ADD_MS }, goal: { addOneP99Ms: GOAL_ADD_P99_MS, clusterIPRatio: 0.9 },
      met: { addOne: kernel.addOneP99Ms <= GOAL_ADD_P99_MS, clusterIPRatio: api.clusterIPRatio >= 0.9, dnsQps: api.dns.qps >= api.dns.goalQps }, kernel, api }, null, 2) + '\n');
    console.log(`wrote ${file}`);
  } finally {
    await netns.close();
  }
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });

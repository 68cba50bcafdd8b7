// The proxier's incremental transactions, checked against what the kernel really holds. Random
// changes to many Services (endpoint counts up and down, endpoints swapped, session affinity on and
// off, Services deleted and made again; ClusterIP and NodePort) go through a real API server to a proxy programming a
// network namespace this test creates; after each step the table is read back (`nft -j list table`)
// and, for every Service, the backends its ClusterIP can reach are worked out from the kernel's own
// maps and rules and compared with the ready endpoints. This is what catches a transaction that nft
// accepted but that left the kernel different from what the proxier believes (a stale numgen modulus,
// an endpoint-map block given to two chains, an element deleted after it was re-added...).
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type TestCluster } from '../client/cluster.js';
import type { RestClient } from '../../src/client/rest.js';
import { startProxy, type RunningProxy } from '../../src/proxy/index.js';
import { ENDPOINTSLICES, SERVICES } from '../../src/proxy/proxier.js';
import { createNetns, type TestNetns } from './netns.js';
import { reachableBackends } from './nft-readback.js';

const SERVICE_COUNT = 24;
const STEPS = 60;
const NODE_IP = '10.0.6.1';

let netns: TestNetns;
let cluster: TestCluster;
let client: RestClient;
let proxy: RunningProxy | undefined;
const failures: string[] = [];
let churn: ChildProcess | undefined;

// A small deterministic generator, so a failure can be replayed from the seed it prints.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Wanted { clusterIP: string; nodePort?: number; affinity: boolean; endpoints: string[]; exists: boolean }

const clusterIPOf = (i: number) => `10.96.70.${i + 1}`;
const nameOf = (i: number) => `svc-${i}`;

function serviceObject(i: number, affinity: boolean) {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name: nameOf(i), namespace: 'default' },
    spec: {
      clusterIP: clusterIPOf(i), selector: { app: nameOf(i) },
      // Every third Service is a NodePort one, so its external chain takes a block of its own too.
      ...(i % 3 === 1 ? { type: 'NodePort' } : {}),
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', ...(i % 3 === 1 ? { nodePort: 30100 + i } : {}) }],
      ...(affinity ? { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } } : {}),
    },
  };
}

function sliceObject(i: number, ips: string[]) {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: `${nameOf(i)}-1`, namespace: 'default', labels: { 'kubernetes.io/service-name': nameOf(i) } },
    addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true }, nodeName: 'node-1' })),
  };
}

async function setEndpoints(i: number, ips: string[]): Promise<void> {
  const cur = await client.get<any>(ENDPOINTSLICES, `${nameOf(i)}-1`, { namespace: 'default' }).catch(() => undefined);
  if (cur) await client.update(ENDPOINTSLICES, { ...sliceObject(i, ips), metadata: { ...cur.metadata } } as any);
  else await client.create(ENDPOINTSLICES, sliceObject(i, ips) as any);
}

async function setAffinity(i: number, affinity: boolean): Promise<void> {
  const cur = await client.get<any>(SERVICES, nameOf(i), { namespace: 'default' });
  const want = serviceObject(i, affinity);
  await client.update(SERVICES, { ...cur, spec: { ...cur.spec, sessionAffinity: want.spec.sessionAffinity ?? 'None', sessionAffinityConfig: (want.spec as any).sessionAffinityConfig } });
}

/** What the kernel does for each wanted Service now, as `ip:port` lists (or 'reject'), and the mismatches. */
async function mismatches(wanted: Wanted[]): Promise<string[]> {
  const table = JSON.parse(await netns.exec('nft', ['-j', 'list', 'ruleset']));
  const seen = reachableBackends(table);
  const out: string[] = [];
  for (const w of wanted) {
    const got = seen.get(`${w.clusterIP} . tcp . 80`);
    const want = !w.exists ? 'absent' : w.endpoints.length === 0 ? 'reject' : [...w.endpoints].map((ip) => `${ip}:8080`).sort().join(',');
    if ((got ?? 'absent') !== want) out.push(`${w.clusterIP}: kernel ${got ?? 'absent'}, want ${want}`);
    if (w.nodePort) {
      const np = seen.get(`nodeport tcp . ${w.nodePort}`);
      if ((np ?? 'absent') !== want) out.push(`nodePort ${w.nodePort}: kernel ${np ?? 'absent'}, want ${want}`);
    }
  }
  return out;
}

async function converge(wanted: Wanted[], step: string): Promise<void> {
  const end = Date.now() + 5000;
  let last: string[] = [];
  while (Date.now() < end) {
    last = await mismatches(wanted);
    if (!last.length) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`after ${step} the kernel still differs from the endpoints 5 s later:\n${last.join('\n')}`);
}

before(async () => {
  netns = await createNetns();
  await netns.ip('link', 'add', 'rb0', 'type', 'veth', 'peer', 'name', 'rb1');
  await netns.ip('link', 'set', 'rb0', 'up');
  await netns.ip('addr', 'add', `${NODE_IP}/24`, 'dev', 'rb0');
  // Another owner's table, changed all the time by other processes (as CNI plugins and the node's
  // own NAT table are on a real node): the proxy's transactions interleave with foreign commits.
  churn = spawn('nsenter', [`--net=${netns.path}`, 'sh', '-c',
    'i=0; while :; do i=$((i+1)); nft add table ip someone-else; nft add chain ip someone-else c$((i % 7)); nft add rule ip someone-else c$((i % 7)) counter; nft flush chain ip someone-else c$(((i + 3) % 7)); done'],
  { stdio: 'ignore' });
  cluster = await startCluster();
  client = cluster.client();
  proxy = await startProxy({ client, nodeName: 'node-1', nodeIPs: [NODE_IP], netns: netns.name, minSyncPeriodMs: 20,
    log: (msg, fields) => { if (msg.includes('sync failed')) failures.push(String(fields?.error)); } });
  assert.ok(await proxy.idle(20_000), 'first sync finished');
});

after(async () => {
  churn?.kill('SIGKILL');
  await proxy?.stop().catch(() => undefined);
  await proxy?.cleanup().catch(() => undefined);
  await cluster?.close().catch(() => undefined);
  await netns?.close();
});

test('after every random change the kernel sends each ClusterIP to exactly its ready endpoints', async () => {
  const seed = Number(process.env.K8TS_READBACK_SEED ?? Date.now() % 100_000);
  const rand = rng(seed);
  const pick = (n: number) => Math.floor(rand() * n);
  const pool = Array.from({ length: 40 }, (_, k) => `10.244.${7 + (k >> 4)}.${(k & 15) + 2}`);
  const wanted: Wanted[] = Array.from({ length: SERVICE_COUNT }, (_, i) => ({ clusterIP: clusterIPOf(i), nodePort: i % 3 === 1 ? 30100 + i : undefined, affinity: false, endpoints: [], exists: false }));
  const randomEndpoints = () => {
    const n = pick(5);
    const chosen = new Set<string>();
    while (chosen.size < n) chosen.add(pool[pick(pool.length)]!);
    return [...chosen];
  };
  for (let i = 0; i < SERVICE_COUNT; i++) {
    const w = wanted[i]!;
    w.affinity = i % 6 === 0;
    w.endpoints = randomEndpoints();
    w.exists = true;
    await client.create(SERVICES, serviceObject(i, w.affinity) as any);
    await setEndpoints(i, w.endpoints);
  }
  await converge(wanted, `creating ${SERVICE_COUNT} services (seed ${seed})`);
  for (let s = 0; s < STEPS; s++) {
    const did: string[] = [];
    // Several Services per step, so one transaction holds several diffs (blocks freed and taken).
    for (let k = 1 + pick(4); k > 0; k--) {
      const i = pick(SERVICE_COUNT);
      const w = wanted[i]!;
      const r = rand();
      if (!w.exists) {
        w.exists = true;
        await client.create(SERVICES, serviceObject(i, w.affinity) as any);
        did.push(`recreate ${i}`);
      } else if (r < 0.08) {
        w.exists = false;
        await client.delete(SERVICES, nameOf(i), { namespace: 'default' });
        did.push(`delete ${i}`);
      } else if (r < 0.18) {
        w.affinity = !w.affinity;
        await setAffinity(i, w.affinity);
        did.push(`affinity ${i}=${w.affinity}`);
      } else if (r < 0.35 && w.endpoints.length > 0) {
        // Same count, one endpoint swapped: only map elements change.
        const next = [...w.endpoints];
        const free = pool.filter((ip) => !next.includes(ip));
        next[pick(next.length)] = free[pick(free.length)]!;
        w.endpoints = next;
        await setEndpoints(i, next);
        did.push(`swap ${i}`);
      } else {
        w.endpoints = randomEndpoints();
        await setEndpoints(i, w.endpoints);
        did.push(`scale ${i}->${w.endpoints.length}`);
      }
    }
    await converge(wanted, `step ${s} (${did.join(', ')}; seed ${seed})`);
  }
  assert.ok((await netns.exec('nft', ['list', 'table', 'ip', 'someone-else'])).includes('counter'), 'the other table was left alone');
  assert.deepEqual(failures, [], 'no incremental transaction was refused (a refusal forces a full rebuild that would hide it)');
});

// Thousands of malformed and hostile requests against a real API server over a real store: every
// answer must be a 4xx carrying a Status whose code is the HTTP status, never a 5xx; the server
// must keep serving; and the store must be exactly as it was. Reproduce a failure with the seed
// it prints: FUZZ_SEED=<seed> node --test dist/test/apiserver/fuzz.test.js (FUZZ_COUNT for more).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startCluster } from '../client/cluster.js';
import { Prng } from './fuzz/prng.js';
import { generate, NS, type FuzzRequest } from './fuzz/cases.js';
import type { Store } from '../../src/storage/types.js';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 0x6b387473;
const COUNT = process.env.FUZZ_COUNT ? Number(process.env.FUZZ_COUNT) : 3000;

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

function send(agent: http.Agent, base: string, r: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (r.contentType !== undefined) headers['Content-Type'] = r.contentType;
    if (r.body !== undefined && !r.chunked) headers['Content-Length'] = String(Buffer.byteLength(r.body));
    // The path goes out as is: a URL object would resolve "." and ".." segments on the client side.
    const { hostname, port } = new URL(base);
    const req = http.request({ host: hostname, port, path: r.path, method: r.method, headers, agent, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', reject);
    if (r.body !== undefined) {
      if (r.chunked) {
        // Several chunks, so the server sees the size grow past its limit while reading.
        const buf = Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
        for (let i = 0; i < buf.length; i += 256 * 1024) req.write(buf.subarray(i, i + 256 * 1024));
      } else req.write(r.body);
    }
    req.end();
  });
}

/** Everything under /registry/ with its revisions, and the store revision. */
async function snapshot(store: Store): Promise<{ revision: number; items: Map<string, string> }> {
  const res = await store.list('/registry/');
  const items = new Map<string, string>();
  for (const kv of res.kvs) items.set(kv.key, `${kv.modRevision}:${kv.value.toString('base64')}`);
  return { revision: res.revision, items };
}

function describe(r: FuzzRequest): string {
  const body = r.body === undefined ? '' : Buffer.isBuffer(r.body) ? `<${r.body.length} bytes>` : r.body.length > 200 ? `${r.body.slice(0, 200)}…(${r.body.length} chars)` : r.body;
  return `${r.category}: ${r.method} ${r.path.slice(0, 200)} [${r.contentType ?? 'no content-type'}] ${body}`;
}

/** Why this answer breaks the rules for this request, or null when it is fine. */
function judge(r: FuzzRequest, a: Answer): string | null {
  if (a.status >= 500) return `answered ${a.status}`;
  if (r.expect === 'safe' && a.status < 400) return null;
  if (typeof r.expect === 'number' && a.status !== r.expect) return `answered ${a.status}, expected ${r.expect}`;
  if (a.status < 400) return `answered ${a.status}, expected a 4xx`;
  let st: any;
  try { st = JSON.parse(a.text); } catch { return `answered ${a.status} with a body that is not JSON: ${a.text.slice(0, 120)}`; }
  if (st?.kind !== 'Status' || st.apiVersion !== 'v1') return `answered ${a.status} with ${a.text.slice(0, 120)}`;
  if (st.code !== a.status) return `answered ${a.status} with a Status of code ${st.code}`;
  if (st.status !== 'Failure' || typeof st.reason !== 'string' || typeof st.message !== 'string') return `a Status without status/reason/message: ${a.text.slice(0, 160)}`;
  return null;
}

test(`${COUNT} malformed and hostile requests: all 4xx Status, the server keeps serving, the store is unchanged (seed ${SEED})`, async (t) => {
  const cluster = await startCluster();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(async () => {
    agent.destroy();
    await cluster.close();
  });
  const ok = async (method: string, path: string, body: unknown) => {
    const a = await send(agent, cluster.base, { category: 'fixture', method, path, body: JSON.stringify(body), contentType: 'application/json', expect: 201 });
    assert.ok(a.status === 201 || a.status === 200, `fixture ${method} ${path}: ${a.status} ${a.text}`);
  };
  // The objects the hostile updates, patches and deletes aim at.
  await ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  await ok('POST', `/api/v1/namespaces/${NS}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'fz' } }, spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80 }] }] } });
  await ok('POST', `/api/v1/namespaces/${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: '1' } });
  await ok('POST', `/api/v1/namespaces/${NS}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'fz' }, ports: [{ port: 80 }] } });
  await ok('POST', `/api/v1/namespaces/${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec' }, data: { a: 'MQ==' } });
  await ok('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'fz' } }, template: { metadata: { labels: { app: 'fz' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  });
  await ok('POST', `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' }, spec: { holderIdentity: 'h' } });
  await ok('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });

  const before = await snapshot(cluster.store);
  const rng = new Prng(SEED);
  const failures: string[] = [];
  const seen = new Map<string, number>();
  const spent = new Map<string, number>();
  const started = Date.now();
  for (let i = 0; i < COUNT; i++) {
    const r = generate(rng);
    seen.set(r.category, (seen.get(r.category) ?? 0) + 1);
    let why: string | null;
    const t0 = Date.now();
    try {
      why = judge(r, await send(agent, cluster.base, r));
    } catch (err) {
      why = `no answer: ${(err as Error).message}`;
    }
    spent.set(r.category, (spent.get(r.category) ?? 0) + Date.now() - t0);
    if (why) failures.push(`#${i} ${why}\n    ${describe(r)}`);
    if (i % 500 === 499) {
      const ready = await send(agent, cluster.base, { category: 'readyz', method: 'GET', path: '/readyz', expect: 200 });
      assert.equal(ready.status, 200, `/readyz after ${i + 1} requests (seed ${SEED})`);
    }
  }
  const elapsed = Date.now() - started;
  t.diagnostic(`seed ${SEED}: ${COUNT} requests in ${elapsed} ms; ${[...seen].sort().map(([c, n]) => `${c}=${n} (${spent.get(c)} ms)`).join(' ')}`);

  const ready = await send(agent, cluster.base, { category: 'readyz', method: 'GET', path: '/readyz', expect: 200 });
  assert.equal(ready.status, 200, 'the server still answers /readyz');
  const after = await snapshot(cluster.store);
  const changed = [...new Set([...before.items.keys(), ...after.items.keys()])].filter((k) => before.items.get(k) !== after.items.get(k));
  assert.ok(failures.length === 0, `seed ${SEED}: ${failures.length} bad answers:\n${failures.slice(0, 400).join('\n')}`);
  assert.deepEqual(changed, [], `seed ${SEED}: the store changed`);
  assert.equal(after.revision, before.revision, `seed ${SEED}: the store revision moved`);
  for (const c of ['bad-json', 'deep-nesting', 'huge-body', 'wrong-type', 'unknown-field', 'bad-selector', 'bad-list-params', 'bad-json-patch', 'bad-merge-patch', 'bad-strategic-patch', 'bad-apply-patch', 'wrong-kind', 'bad-name', 'bad-protobuf', 'bad-content-type']) {
    assert.ok((seen.get(c) ?? 0) > 0, `category ${c} was exercised`);
  }
});

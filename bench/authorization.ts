// npm run bench authorization [-- --seconds N]
// What authorization costs per request: the same GET of one pod (16 keep-alive clients, closed
// loop) against three in-process API servers on SQLite, back to back: no security at all (the
// anchor), a token authenticator with an allow-everything authorizer (the authentication cost),
// and the same authenticator with the Node+RBAC chain over 1,000 role bindings (what RBAC adds).
// Last, what `k8ts server` runs: HTTPS with X.509 client-certificate authentication and the Node+RBAC
// chain (keep-alive TLS sessions). Goal (issue 8): TLS + authn + RBAC lose <= 15 % of the plain-HTTP
// throughput. Also the bare decision time of the chain in this process. Prints a table, writes JSON to
// bench/results/authorization-<ISO date>.json.
import http from 'node:http';
import https from 'node:https';
import { createCa, issueClientCert, issueServingCert } from '../src/pki/certs.js';
import { x509Authenticator } from '../src/apiserver/authn/x509.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { openSqliteStore } from '../src/storage/sqlite/index.js';
import { createApiServer, type ApiServer } from '../src/apiserver/server.js';
import { allResources } from '../src/api/registry.js';
import type { SecurityOptions } from '../src/apiserver/auth/types.js';
import { createAuthorization, type Authorization } from '../src/apiserver/authz/index.js';
import { testTokenAuthenticator } from '../test/apiserver/test-token-authenticator.js';
import { closedLoop, type LatencyFigures } from './lib/http-load.js';

const args = process.argv.slice(2);
const secondsArg = args.indexOf('--seconds');
const PHASE_MS = (secondsArg >= 0 ? Number(args[secondsArg + 1]) : 5) * 1000;
const BINDINGS = 1000;
const TOKENS = { 'reader-token': { username: 'reader-500', groups: [] }, 'admin-token': { username: 'root', groups: ['system:masters'] } };

interface Setup { label: string; server: ApiServer; port: number; dir: string; store: ReturnType<typeof openSqliteStore>; authz?: Authorization; client?: { ca: string; cert: string; key: string } }

async function start(label: string, security: (s: () => ApiServer | undefined) => { sec?: SecurityOptions; authz?: Authorization }, tls?: { cert: string; key: string; clientCA: string }): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-authz-'));
  const store = openSqliteStore({ path: join(dir, 'store.db') });
  let server: ApiServer | undefined;
  const { sec, authz } = security(() => server);
  server = createApiServer({ store, resources: allResources(), log: () => undefined, security: sec, ...(tls ? { tls: { cert: Buffer.from(tls.cert), key: Buffer.from(tls.key), clientCA: Buffer.from(tls.clientCA) } } : {}) });
  const port = await server.listen(0);
  // The pod and the bindings are written as the server itself (no HTTP, no authorization).
  await server.writeObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  for (let i = 0; i < BINDINGS; i++) {
    await server.writeObject({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `rb-${i}`, namespace: 'default' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: `reader-${i}` }] });
  }
  return { label, server, port, dir, store, authz };
}

function get(agent: http.Agent, port: number, secure = false): Promise<void> {
  return new Promise((resolve, reject) => {
    const mod = secure ? https : http;
    const headers: Record<string, string> = secure ? { Accept: 'application/json' } : { Authorization: 'Bearer reader-token', Accept: 'application/json' };
    const r = mod.request({ host: '127.0.0.1', port, path: '/api/v1/namespaces/default/pods/p', agent, headers, timeout: 30_000 }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', reject);
    r.end();
  });
}

async function main(): Promise<void> {
  const setups: Setup[] = [];
  try {
    setups.push(await start('no security (anchor)', () => ({})));
    setups.push(await start('token authn + allow-all', () => ({ sec: { authenticator: testTokenAuthenticator(TOKENS), authorizer: { authorize: () => ({ allowed: true }) } } })));
    setups.push(await start(`token authn + Node+RBAC (${BINDINGS} bindings)`, (s) => {
      const authz = createAuthorization(() => s()?.ctx);
      return { authz, sec: { authenticator: testTokenAuthenticator(TOKENS), authorizer: authz.authorizer, admission: authz.admission } };
    }));
    // HTTPS + client certificates + Node+RBAC: k8ts server's default.
    const ca = await createCa('bench-ca');
    const serving = await issueServingCert(ca, { cn: 'kube-apiserver', dnsNames: ['localhost'], ips: ['127.0.0.1'] });
    const reader = await issueClientCert(ca, { cn: 'reader-500' });
    const tlsSetup = await start(`TLS + X.509 authn + Node+RBAC (${BINDINGS})`, (s) => {
      const authz = createAuthorization(() => s()?.ctx);
      return { authz, sec: { authenticator: x509Authenticator({ clientCA: ca.cert }), authorizer: authz.authorizer, admission: authz.admission } };
    }, { cert: serving.cert, key: serving.key, clientCA: ca.cert });
    tlsSetup.client = { ca: ca.cert, cert: reader.cert, key: reader.key };
    setups.push(tlsSetup);
    const results: { label: string; get16: LatencyFigures }[] = [];
    for (const s of setups) {
      const secure = !!s.client;
      const agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 16, ca: s.client!.ca, cert: s.client!.cert, key: s.client!.key }) : new http.Agent({ keepAlive: true, maxSockets: 16 });
      await closedLoop(16, 500, Infinity, () => get(agent, s.port, secure)); // warm-up
      const get16 = await closedLoop(16, PHASE_MS, Infinity, () => get(agent, s.port, secure));
      agent.destroy();
      results.push({ label: s.label, get16 });
    }
    const z = setups[2]!.authz!;
    const attrs = { user: { username: 'reader-500', groups: ['system:authenticated'] }, verb: 'get', resourceRequest: true, path: '', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', namespace: 'default', name: 'p' };
    const n = 200_000;
    for (let i = 0; i < 10_000; i++) z.authorizer.authorize(attrs);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) z.authorizer.authorize(i % 2 ? attrs : { ...attrs, verb: 'delete' });
    const decisionUs = ((performance.now() - t0) / n) * 1000;

    console.log(`authorization cost, ${PHASE_MS / 1000}s per phase, ${cpus().length} cpus, load ${loadavg()[0]!.toFixed(2)}`);
    console.log('setup'.padEnd(44) + 'GET ops/s'.padStart(10) + 'p50 ms'.padStart(9) + 'p99 ms'.padStart(9));
    for (const r of results) console.log(r.label.padEnd(44) + String(r.get16.opsPerSec).padStart(10) + r.get16.p50Ms.toFixed(2).padStart(9) + r.get16.p99Ms.toFixed(2).padStart(9));
    console.log(`Node+RBAC decision in process: ${decisionUs.toFixed(2)} µs (half allowed, half denied)`);
    const loss = 1 - results[results.length - 1]!.get16.opsPerSec / results[0]!.get16.opsPerSec;
    console.log(`TLS + authn + RBAC throughput loss vs plain HTTP: ${(loss * 100).toFixed(1)} % (goal <= 15 %)`);
    const out = join(fileURLToPath(new URL('.', import.meta.url)), '../../bench/results');
    mkdirSync(out, { recursive: true });
    const file = join(out, `authorization-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ phaseMs: PHASE_MS, bindings: BINDINGS, results, decisionUs, tlsAuthnRbacLoss: 1 - results[results.length - 1]!.get16.opsPerSec / results[0]!.get16.opsPerSec, cpus: cpus().length, load: loadavg()[0] }, null, 2));
    console.log(`wrote ${file}`);
  } finally {
    for (const s of setups) {
      s.authz?.close();
      await s.server.close();
      await s.store.close();
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
}

await main();

// `k8ts server` with its default security, driven by the real kubectl (1.27, 1.32, 1.33) over TLS:
// the written kubeconfig carries the cluster CA and the admin's client certificate inline; get,
// apply, logs and exec work; the API server's certificate names the addresses it is reached at;
// a request without credentials is anonymous (403 but for the public health and version paths).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startServerProcess, run, type ServerProcess } from './server-process.js';

const SDK = '/usr/lib/google-cloud-sdk/bin';
const KUBECTLS = ['/usr/bin/kubectl', `${SDK}/kubectl.1.27`, `${SDK}/kubectl.1.33`];

let sp: ServerProcess;
let server: string;

before(async () => {
  sp = await startServerProcess({
    name: 'tls', podCIDR: '10.250.17.0/24',
    // Secrets encrypted at rest and an audit log, as the server's flags set them up.
    args: (dir) => {
      writeFileSync(join(dir, 'encryption.yaml'), `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
  - aesgcm:
      keys:
      - name: key1
        secret: ${Buffer.alloc(32, 7).toString('base64')}
  - identity: {}
`);
      return ['--encryption-provider-config', join(dir, 'encryption.yaml'), '--audit-log-path', join(dir, 'audit.log')];
    },
  });
  server = (parse(readFileSync(sp.kubeconfig, 'utf8')) as { clusters: { cluster: { server: string } }[] }).clusters[0]!.cluster.server;
});

after(async () => {
  await sp?.close();
});

const curl = async (...args: string[]) => {
  const [cmd, argv] = sp.inNetns('curl', ['-sS', '--max-time', '5', '-w', '\n%{http_code}', ...args]);
  const out = (await run(cmd, argv, { timeout: 15_000 })).stdout;
  const i = out.lastIndexOf('\n');
  return { body: out.slice(0, i), code: Number(out.slice(i + 1)) };
};

test('the kubeconfig is HTTPS with the CA and the admin client certificate inline, and private', () => {
  const kc = parse(readFileSync(sp.kubeconfig, 'utf8')) as any;
  assert.match(server, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(kc.clusters[0].cluster['certificate-authority-data']);
  assert.ok(kc.users[0].user['client-certificate-data']);
  assert.ok(kc.users[0].user['client-key-data']);
  assert.equal(statSync(sp.kubeconfig).mode & 0o077, 0);
  assert.equal(statSync(join(sp.dataDir, 'server', 'tls', 'ca.key')).mode & 0o777, 0o600);
});

test('without credentials a request is system:anonymous: 403 for the API, 200 for /healthz, /readyz and /version; a bad token is 401', async () => {
  const ca = join(sp.dataDir, 'server', 'tls', 'ca.crt');
  const r = await curl('--cacert', ca, `${server}/api/v1/namespaces`);
  assert.equal(r.code, 403);
  assert.match(JSON.parse(r.body).message, /User "system:anonymous" cannot list resource "namespaces"/);
  for (const p of ['/healthz', '/readyz', '/version']) assert.equal((await curl('--cacert', ca, `${server}${p}`)).code, 200, p);
  // A bad token is 401 even on a public path: it is never taken for anonymous.
  const bad = await curl('--cacert', ca, '-H', 'Authorization: Bearer nope', `${server}/version`);
  assert.equal(bad.code, 401);
  assert.equal(JSON.parse(bad.body).reason, 'Unauthorized');
});

test('the serving certificate names the node address and verifies as localhost and the kubernetes Service names', async () => {
  const ca = join(sp.dataDir, 'server', 'tls', 'ca.crt');
  const cert = new X509Certificate(readFileSync(join(sp.dataDir, 'server', 'tls', 'apiserver.crt')));
  assert.ok(cert.checkIP('192.0.2.10'), cert.subjectAltName);
  assert.ok(cert.checkIP('10.96.0.1'), cert.subjectAltName);
  const port = new URL(server).port;
  for (const host of ['localhost', 'kubernetes', 'kubernetes.default.svc.cluster.local']) {
    const r = await curl('--cacert', ca, '--resolve', `${host}:${port}:127.0.0.1`, `https://${host}:${port}/version`);
    assert.equal(r.code, 200, host);
  }
});

test('every kubectl version gets, applies and reads the cluster as kubernetes-admin', async () => {
  const file = join(sp.dir, 'cm.json');
  for (const [i, bin] of KUBECTLS.entries()) {
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `tls-${i}` }, data: { k: String(i) } }));
    const a = await sp.kubectlRun(bin, 'apply', '-f', file);
    assert.equal(a.code, 0, `${bin}: ${a.stderr}`);
    assert.match(a.stdout, new RegExp(`configmap/tls-${i} created`));
    const g = await sp.kubectlRun(bin, 'get', 'configmap', `tls-${i}`, '-o', 'jsonpath={.data.k}');
    assert.equal(g.code, 0, g.stderr);
    assert.equal(g.stdout, String(i));
  }
  const nodes = await sp.kubectl('get', 'nodes');
  assert.match(nodes, /tls-node\s+Ready/);
  const who = await sp.kubectlRun(`${SDK}/kubectl.1.33`, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}');
  assert.equal(who.code, 0, who.stderr);
  assert.equal(who.stdout, 'kubernetes-admin');
});

test('kubectl logs and exec reach a running container over the secured API server', async () => {
  const file = join(sp.dir, 'pod.json');
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'talker' },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'k8ts.local/busybox:1', imagePullPolicy: 'Never', command: ['sh', '-c', 'echo hello-tls; sleep 3600'] }] },
  }));
  await sp.kubectl('apply', '-f', file);
  await sp.until('talker running and logging', 90_000, async () => (await sp.kubectl('logs', 'talker')).includes('hello-tls'));
  for (const bin of KUBECTLS) {
    const e = await sp.kubectlRun(bin, 'exec', 'talker', '--', 'echo', 'exec-ok');
    assert.equal(e.code, 0, `${bin}: ${e.stderr}`);
    assert.equal(e.stdout.trim(), 'exec-ok');
  }
  await sp.kubectl('delete', 'pod', 'talker', '--wait=true', '--timeout=60s');
});

test('the kubelet API is HTTPS and refuses anonymous callers and callers RBAC does not let in; the API server gets through', async () => {
  const node = JSON.parse(await sp.kubectl('get', 'node', 'tls-node', '-o', 'json')) as { status: { addresses: { type: string; address: string }[]; daemonEndpoints: { kubeletEndpoint: { Port: number } } } };
  const ip = node.status.addresses.find((a) => a.type === 'InternalIP')!.address;
  const port = node.status.daemonEndpoints.kubeletEndpoint.Port;
  const pod = 'listener';
  const file = join(sp.dir, 'listener.json');
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: pod },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'k8ts.local/busybox:1', imagePullPolicy: 'Never', command: ['sh', '-c', 'echo up; sleep 3600'] }] },
  }));
  await sp.kubectl('apply', '-f', file);
  await sp.until('listener running', 90_000, async () => (await sp.kubectl('logs', pod)).includes('up'));
  // Anonymous: no client certificate, no token.
  const anon = await curl('-k', '-X', 'POST', `https://${ip}:${port}/exec/default/${pod}/c?command=id&output=1`);
  assert.equal(anon.code, 401, anon.body);
  const anonPods = await curl('-k', `https://${ip}:${port}/pods`);
  assert.equal(anonPods.code, 401);
  // A valid identity without nodes/proxy rights: a service account token.
  await sp.kubectl('create', 'serviceaccount', 'nobody');
  const token = (await sp.kubectl('create', 'token', 'nobody')).trim();
  const denied = await curl('-k', '-H', `Authorization: Bearer ${token}`, `https://${ip}:${port}/pods`);
  assert.equal(denied.code, 403, denied.body);
  assert.match(denied.body, /Forbidden/);
  // The API server, with its kubelet client certificate, still proxies logs.
  const logs = await sp.kubectlRun('/usr/bin/kubectl', 'logs', pod);
  assert.equal(logs.code, 0, logs.stderr);
  await sp.kubectl('delete', 'pod', pod, '--wait=true', '--timeout=60s');
});

test('with --encryption-provider-config a Secret is unreadable in the store file; with --audit-log-path each request is recorded', async () => {
  await sp.kubectl('create', 'secret', 'generic', 'hush', '--from-literal', 'password=plain-text-marker-42');
  assert.equal(Buffer.from((await sp.kubectl('get', 'secret', 'hush', '-o', 'jsonpath={.data.password}')).trim(), 'base64').toString(), 'plain-text-marker-42');
  const db = join(sp.dataDir, 'server', 'store.db');
  const files = [db, `${db}-wal`].filter((f) => { try { statSync(f); return true; } catch { return false; } });
  const raw = Buffer.concat(files.map((f) => readFileSync(f)));
  assert.ok(!raw.includes('plain-text-marker-42'), 'the secret value is not in the store in plain text');
  assert.ok(!raw.includes(Buffer.from('plain-text-marker-42').toString('base64')), 'nor base64-encoded');
  assert.ok(raw.includes('k8s:enc:aesgcm:v1:key1:'), 'the stored value carries the provider prefix');
  const lines = await sp.until('the create in the audit log', 10_000, async () => {
    const events = readFileSync(join(sp.dir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { verb: string; objectRef?: { resource?: string; name?: string }; user: { username: string }; responseStatus?: { code: number }; stage: string });
    return events.some((e) => e.verb === 'create' && e.objectRef?.resource === 'secrets' && e.objectRef.name === 'hush') && events;
  });
  const create = lines.find((e) => e.verb === 'create' && e.objectRef?.name === 'hush' && e.stage === 'ResponseComplete')!;
  assert.equal(create.user.username, 'kubernetes-admin');
  assert.equal(create.responseStatus?.code, 201);
  assert.ok(lines.some((e) => e.responseStatus?.code === 401 || e.responseStatus?.code === 403), 'refused requests are recorded too');
});

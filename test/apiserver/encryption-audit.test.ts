// Secrets at rest and the audit log in a real API server over a real SQLite file, driven by the real
// kubectl: a Secret is ciphertext in the file (plaintext without encryption), a key rotation done
// the Kubernetes way (new key first, restart, `kubectl get secrets -A -o json | kubectl replace -f -`)
// leaves every Secret under the new key, and audit lines carry the level the policy gives.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { createApiServer, type ApiServerOptions } from '../../src/apiserver/server.js';
import { allResources } from '../../src/api/registry.js';
import { loadEncryptionConfig } from '../../src/apiserver/encryption/index.js';
import { fileAuditSink, loadAuditPolicy } from '../../src/apiserver/audit/index.js';
import { ApiError } from '../../src/machinery/errors.js';
import { request } from './harness.js';
import { podSecurity } from '../../src/apiserver/admission/pod-security/index.js';

const KUBECTL = '/usr/bin/kubectl';
const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'k8ts-encryption-audit-'));
  dirs.push(d);
  return d;
}

interface Running { base: string; stop(): Promise<void> }
/** A server on the store file at dir/store.db; stop() closes server and store (the file stays). */
async function serve(dir: string, opts: Partial<ApiServerOptions> = {}): Promise<Running> {
  const store = openSqliteStore({ path: join(dir, 'store.db'), compactionIntervalMs: 0 });
  const server = createApiServer({ store, resources: allResources(), log: () => undefined, kubernetesService: false, ...opts });
  try {
    const port = await server.listen(0, '127.0.0.1');
    return {
      base: `http://127.0.0.1:${port}`,
      async stop() { await server.close(); await opts.security?.audit?.close?.(); await store.close(); },
    };
  } catch (err) {
    await server.close().catch(() => undefined);
    await store.close();
    throw err;
  }
}

interface Run { code: number; stdout: string; stderr: string }
function kubectl(dir: string, base: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(KUBECTL, ['--server', base, '--cache-dir', join(dir, 'cache'), ...args],
      { timeout: 60_000, env: { ...process.env, HOME: dir, KUBECONFIG: join(dir, 'none') } }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    child.stdin?.end(input ?? '');
  });
}

/** Every stored value of the secret (all revisions), from the SQLite file itself. */
function storedSecretValues(dir: string, name: string): Buffer[] {
  const db = new Database(join(dir, 'store.db'), { readonly: true });
  try {
    return (db.prepare('SELECT value FROM log WHERE key LIKE ? AND deleted = 0 ORDER BY id').all(`%/secrets/%/${name}`) as { value: Buffer }[]).map((r) => r.value);
  } finally {
    db.close();
  }
}

function encryptionFile(dir: string, keys: { name: string; secret: string }[]): string {
  const path = join(dir, `encryption-${keys.map((k) => k.name).join('-')}.yaml`);
  writeFileSync(path, `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
      - aesgcm:
          keys:
${keys.map((k) => `            - name: ${k.name}\n              secret: ${k.secret}`).join('\n')}
      - identity: {}
`);
  return path;
}

const PLAINTEXT = 'correct-horse-battery-staple';

test('without encryption the store file holds a Secret\'s plaintext; with it, only aesgcm ciphertext', async () => {
  const plainDir = tempDir();
  const plain = await serve(plainDir);
  try {
    const r = await kubectl(plainDir, plain.base, ['create', 'secret', 'generic', 'db', `--from-literal=password=${PLAINTEXT}`]);
    assert.equal(r.code, 0, r.stderr);
  } finally {
    await plain.stop();
  }
  const base64 = Buffer.from(PLAINTEXT).toString('base64');
  assert.ok(storedSecretValues(plainDir, 'db').some((v) => v.includes(base64)), 'identity: the data is readable in the file');

  const dir = tempDir();
  const cfg = loadEncryptionConfig(encryptionFile(dir, [{ name: 'key1', secret: randomBytes(32).toString('base64') }]));
  const s = await serve(dir, { encryption: cfg });
  try {
    assert.equal((await kubectl(dir, s.base, ['create', 'secret', 'generic', 'db', `--from-literal=password=${PLAINTEXT}`])).code, 0);
    const got = await kubectl(dir, s.base, ['get', 'secret', 'db', '-o', 'jsonpath={.data.password}']);
    assert.equal(Buffer.from(got.stdout, 'base64').toString(), PLAINTEXT, 'clients read the plaintext');
  } finally {
    await s.stop();
  }
  const stored = storedSecretValues(dir, 'db');
  assert.ok(stored.length > 0);
  for (const v of stored) {
    assert.equal(v.subarray(0, 23).toString('latin1'), 'k8s:enc:aesgcm:v1:key1:');
    assert.ok(!v.includes(base64) && !v.includes(PLAINTEXT), 'no plaintext in the file');
  }
});

test('rotation: new key first, restart, kubectl replace of every Secret rewrites them with the new key', async () => {
  const dir = tempDir();
  const key1 = { name: 'key1', secret: randomBytes(32).toString('base64') };
  const key2 = { name: 'key2', secret: randomBytes(32).toString('base64') };
  const first = await serve(dir, { encryption: loadEncryptionConfig(encryptionFile(dir, [key1])) });
  try {
    assert.equal((await kubectl(dir, first.base, ['create', 'namespace', 'other'])).code, 0);
    for (const [ns, name] of [['default', 'a'], ['other', 'b']]) {
      const r = await kubectl(dir, first.base, ['create', 'secret', 'generic', name, '-n', ns, `--from-literal=k=${PLAINTEXT}`]);
      assert.equal(r.code, 0, r.stderr);
    }
  } finally {
    await first.stop();
  }
  const second = await serve(dir, { encryption: loadEncryptionConfig(encryptionFile(dir, [key2, key1])) });
  try {
    const all = await kubectl(dir, second.base, ['get', 'secrets', '-A', '-o', 'json']);
    assert.equal(all.code, 0, all.stderr);
    const replaced = await kubectl(dir, second.base, ['replace', '-f', '-'], all.stdout);
    assert.equal(replaced.code, 0, replaced.stderr);
  } finally {
    await second.stop();
  }
  for (const name of ['a', 'b']) {
    const values = storedSecretValues(dir, name);
    assert.equal(values[values.length - 1].subarray(0, 23).toString('latin1'), 'k8s:enc:aesgcm:v1:key2:', `secret ${name} is under the new key`);
  }
  // Only the new key now: everything still reads.
  const third = await serve(dir, { encryption: loadEncryptionConfig(encryptionFile(dir, [key2])) });
  try {
    const got = await kubectl(dir, third.base, ['get', 'secret', 'b', '-n', 'other', '-o', 'jsonpath={.data.k}']);
    assert.equal(Buffer.from(got.stdout, 'base64').toString(), PLAINTEXT, got.stderr);
  } finally {
    await third.stop();
  }
});

test('audit lines for allowed, refused (403) and unauthenticated (401) requests carry the policy\'s level', async () => {
  const dir = tempDir();
  const policyPath = join(dir, 'policy.yaml');
  writeFileSync(policyPath, `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    nonResourceURLs: ["/api", "/apis", "/apis/*", "/openapi/*", "/version"]
  - level: RequestResponse
    resources: [{ group: "", resources: [secrets] }]
  - level: Metadata
`);
  const logPath = join(dir, 'audit.log');
  const s = await serve(dir, {
    security: {
      // Bearer tokens name the user; "bob" may only read pods.
      authenticator: {
        authenticate(req) {
          const h = req.headers.authorization;
          if (!h) return null;
          const who = h.replace(/^Bearer /, '');
          if (who !== 'alice' && who !== 'bob') throw new ApiError(401, 'Unauthorized', 'Unauthorized');
          return { username: who, groups: [] };
        },
      },
      authorizer: { authorize: (a) => (a.user.username === 'alice' || (a.verb === 'get' && a.resource === 'pods') ? { allowed: true, reason: 'test rules' } : { allowed: false }) },
      audit: fileAuditSink({ path: logPath, policy: loadAuditPolicy(policyPath) }),
    },
  });
  let events: any[] = [];
  try {
    // kubectl sends no bearer token to a plain-HTTP server, so these go straight over HTTP.
    const as = (who: string) => ({ authorization: `Bearer ${who}`, 'user-agent': 'kubectl/v1.32.0 (linux/amd64)' });
    const created = await request(undefined, s.base, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1' } }, as('alice'));
    assert.equal(created.status, 201, created.text);
    const secret = await request(undefined, s.base, 'POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' }, stringData: { k: 'v' } }, as('alice'));
    assert.equal(secret.status, 201, secret.text);
    const denied = await request(undefined, s.base, 'GET', '/api/v1/namespaces/default/secrets', undefined, as('bob'));
    assert.equal(denied.json.message, 'secrets is forbidden: User "bob" cannot list resource "secrets" in API group "" in the namespace "default"');
    const discovery = await request(undefined, s.base, 'GET', '/api', undefined, as('alice'));
    assert.equal(discovery.status, 200);
    const unauth = await request(undefined, s.base, 'GET', '/api/v1/namespaces/default/pods', undefined, { authorization: 'Bearer mallory' });
    assert.equal(unauth.status, 401);
  } finally {
    await s.stop();
  }
  events = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(events.every((e) => e.kind === 'Event' && e.apiVersion === 'audit.k8s.io/v1' && e.stage !== 'RequestReceived'));
  assert.ok(!events.some((e) => e.requestURI === '/api' || e.requestURI.startsWith('/openapi')), 'discovery is at level None');

  const create = events.find((e) => e.verb === 'create' && e.objectRef?.resource === 'configmaps');
  assert.ok(create, 'the create is audited');
  assert.equal(create.level, 'Metadata');
  assert.equal(create.user.username, 'alice');
  assert.equal(create.responseStatus.code, 201);
  assert.deepEqual(create.objectRef, { resource: 'configmaps', namespace: 'default', name: 'cm1', apiVersion: 'v1' });
  assert.equal(create.annotations['authorization.k8s.io/decision'], 'allow');
  assert.equal(create.annotations['authorization.k8s.io/reason'], 'test rules');
  assert.match(create.stageTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.match(create.userAgent, /^kubectl/);
  assert.deepEqual(create.sourceIPs, ['127.0.0.1']);

  const forbidden = events.find((e) => e.objectRef?.resource === 'secrets' && e.responseStatus?.code === 403);
  assert.ok(forbidden, 'the refusal is audited');
  assert.equal(forbidden.level, 'RequestResponse');
  assert.equal(forbidden.verb, 'list');
  assert.equal(forbidden.user.username, 'bob');
  assert.equal(forbidden.annotations['authorization.k8s.io/decision'], 'forbid');

  // Request level and above carry the request body.
  const secretCreate = events.find((e) => e.verb === 'create' && e.objectRef?.resource === 'secrets');
  assert.equal(secretCreate.level, 'RequestResponse');
  assert.equal(secretCreate.requestObject.metadata.name, 's1');
  assert.equal(create.requestObject, undefined, 'Metadata level carries no body');

  const unauthenticated = events.find((e) => e.responseStatus?.code === 401);
  assert.ok(unauthenticated, 'the 401 is audited');
  assert.equal(unauthenticated.level, 'Metadata');
  assert.deepEqual(unauthenticated.user, {});
  assert.equal(unauthenticated.stage, 'ResponseStarted');
  assert.equal(unauthenticated.annotations, undefined);
});

test('PodSecurity writes its audit annotations: the enforce policy judged, audit-mode violations, exemptions', async () => {
  const dir = tempDir();
  const policyPath = join(dir, 'policy.yaml');
  writeFileSync(policyPath, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n  - level: Metadata\n');
  const logPath = join(dir, 'audit.log');
  const s = await serve(dir, {
    security: {
      authenticator: { authenticate: () => ({ username: 'alice', groups: [] }) },
      authorizer: { authorize: () => ({ allowed: true }) },
      admission: [podSecurity({ exemptions: { namespaces: ['trusted'] } })],
      audit: fileAuditSink({ path: logPath, policy: loadAuditPolicy(policyPath) }),
    },
  });
  const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  try {
    for (const ns of ['watched', 'trusted']) {
      const labels = { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/audit': 'restricted' };
      const made = await request(undefined, s.base, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } });
      assert.equal(made.status, 201, made.text);
      // Baseline lets this pod in; restricted would not (no runAsNonRoot, no seccomp profile...).
      const r = await request(undefined, s.base, 'POST', `/api/v1/namespaces/${ns}/pods`, pod('p'));
      assert.equal(r.status, 201, r.text);
    }
    const privileged = await request(undefined, s.base, 'POST', '/api/v1/namespaces/watched/pods', { ...pod('root'), spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] } });
    assert.equal(privileged.status, 403, privileged.text);
  } finally {
    await s.stop();
  }
  const events = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const podCreate = (ns: string, name: string) => events.find((e) => e.verb === 'create' && e.objectRef?.resource === 'pods' && e.objectRef?.namespace === ns && e.objectRef?.name === name);
  const judged = podCreate('watched', 'p');
  assert.equal(judged.annotations['pod-security.kubernetes.io/enforce-policy'], 'baseline:latest');
  assert.match(judged.annotations['pod-security.kubernetes.io/audit-violations'], /^would violate PodSecurity "restricted:latest": .*runAsNonRoot != true/);
  assert.equal(judged.annotations['pod-security.kubernetes.io/exempt'], undefined);
  const refused = podCreate('watched', 'root');
  assert.equal(refused.responseStatus.code, 403);
  assert.equal(refused.annotations['pod-security.kubernetes.io/enforce-policy'], 'baseline:latest');
  const exempt = podCreate('trusted', 'p');
  assert.equal(exempt.annotations['pod-security.kubernetes.io/exempt'], 'namespace');
  assert.equal(exempt.annotations['pod-security.kubernetes.io/audit-violations'], undefined);
});

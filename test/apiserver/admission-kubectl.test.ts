// The default admission chain (LimitRanger, PodSecurity, ResourceQuota) in a real API server,
// driven by the real kubectl: Kubernetes' refusal texts reach the user unchanged, defaults land in
// the stored pod, and quota holds against a burst of concurrent creates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from './harness.js';
import { allResources } from '../../src/api/registry.js';
import { defaultAdmission } from '../../src/apiserver/admission/index.js';

const KUBECTL = '/usr/bin/kubectl';
let h: Harness;
let home: string;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'k8ts-admission-kubectl-'));
  h = await startHarness({ resources: allResources(), security: { admission: defaultAdmission() } });
});
after(async () => {
  await h?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

interface Run { code: number; stdout: string; stderr: string }
function kubectl(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(KUBECTL, ['--server', h.base, '--cache-dir', join(home, 'cache'), ...args], { timeout: 60_000, env: { ...process.env, HOME: home, KUBECONFIG: join(home, 'none') } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
async function ok(args: string[]): Promise<string> {
  const r = await kubectl(args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('kubectl sees the quota refusal with Kubernetes\' exceeded-quota text, and status.used counts', async () => {
  await ok(['create', 'namespace', 'quota1']);
  await ok(['create', 'quota', 'q', '--hard=configmaps=1,pods=5', '-n', 'quota1']);
  await ok(['create', 'configmap', 'a', '-n', 'quota1']);
  const r = await kubectl(['create', 'configmap', 'b', '-n', 'quota1']);
  assert.notEqual(r.code, 0);
  assert.equal(r.stderr.trim(), 'error: failed to create configmap: configmaps "b" is forbidden: exceeded quota: q, requested: configmaps=1, used: configmaps=1, limited: configmaps=1');
  const q = JSON.parse(await ok(['get', 'quota', 'q', '-n', 'quota1', '-o', 'json']));
  assert.deepEqual(q.status.used, { configmaps: '1', pods: '0' });
  assert.deepEqual(q.status.hard, { configmaps: '1', pods: '5' });
  assert.match(await ok(['get', 'quota', '-n', 'quota1']), /^q\s+\S+\s+configmaps: 1\/1, pods: 0\/5\s*$/m);
});

test('a quota on requests.cpu refuses pods whose containers do not declare it', async () => {
  await ok(['create', 'namespace', 'quota2']);
  await ok(['create', 'quota', 'cq', '--hard=requests.cpu=1', '-n', 'quota2']);
  const r = await kubectl(['run', 'web', '--image=nginx', '-n', 'quota2']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /pods "web" is forbidden: failed quota: cq: must specify requests.cpu for: web/);
  const big = await kubectl(['run', 'big', '--image=nginx', '-n', 'quota2', '--overrides', JSON.stringify({ spec: { containers: [{ name: 'big', image: 'nginx', resources: { requests: { cpu: '1500m' } } }] } })]);
  assert.match(big.stderr, /pods "big" is forbidden: exceeded quota: cq, requested: requests.cpu=1500m, used: requests.cpu=0, limited: requests.cpu=1/);
});

test('an update that raises usage is judged and charged by its increase: a Service turned NodePort', async () => {
  await ok(['create', 'namespace', 'quota3']);
  await ok(['create', 'quota', 'np', '--hard=services.nodeports=2', '-n', 'quota3']);
  await ok(['create', 'service', 'nodeport', 'a', '--tcp=80:80', '-n', 'quota3']);
  await ok(['create', 'service', 'clusterip', 'web', '--tcp=80:80,81:81', '-n', 'quota3']);
  // Two ports as NodePort need 2 more; 1 of 2 is used.
  const r = await kubectl(['patch', 'service', 'web', '-n', 'quota3', '-p', '{"spec":{"type":"NodePort"}}']);
  assert.notEqual(r.code, 0);
  assert.equal(r.stderr.trim(), 'Error from server (Forbidden): services "web" is forbidden: exceeded quota: np, requested: services.nodeports=2, used: services.nodeports=1, limited: services.nodeports=2');
  assert.equal(JSON.parse(await ok(['get', 'service', 'web', '-n', 'quota3', '-o', 'json'])).spec.type, 'ClusterIP', 'the refused update changed nothing');
  // An update that raises nothing is not judged, even with the namespace at its limit.
  await ok(['label', 'service', 'a', 'tier=edge', '-n', 'quota3']);
  // With room, the update goes in and only its increase is charged.
  await ok(['patch', 'quota', 'np', '-n', 'quota3', '-p', '{"spec":{"hard":{"services.nodeports":"3"}}}']);
  await ok(['patch', 'service', 'web', '-n', 'quota3', '--type=json', '-p', '[{"op":"replace","path":"/spec/type","value":"NodePort"},{"op":"remove","path":"/spec/ports/1"}]']);
  const q = JSON.parse(await ok(['get', 'quota', 'np', '-n', 'quota3', '-o', 'json']));
  assert.equal(q.status.used['services.nodeports'], '2');
});

test('a burst of concurrent creates cannot overrun a quota', async () => {
  await ok(['create', 'namespace', 'burst']);
  await ok(['create', 'quota', 'three', '--hard=pods=3', '-n', 'burst']);
  const pod = (i: number) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}` }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => h.req('POST', '/api/v1/namespaces/burst/pods', pod(i))));
  assert.equal(replies.filter((r) => r.status === 201).length, 3, replies.map((r) => r.status).join(','));
  assert.ok(replies.filter((r) => r.status === 403).every((r) => /exceeded quota: three, requested: pods=1, used: pods=3, limited: pods=3/.test(r.json.message)));
  const list = await h.req('GET', '/api/v1/namespaces/burst/pods');
  assert.equal(list.json.items.length, 3);
});

test('LimitRanger fills container defaults and refuses what is over the max', async () => {
  await ok(['create', 'namespace', 'limits']);
  const lr = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr', namespace: 'limits' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '128Mi' }, max: { cpu: '1' } }] } };
  assert.equal((await h.req('POST', '/api/v1/namespaces/limits/limitranges', lr)).status, 201);
  assert.match(await ok(['get', 'limits', '-n', 'limits']), /^NAME\s+CREATED AT\nlr\s+\d{4}-/);
  await ok(['run', 'small', '--image=nginx', '-n', 'limits']);
  const p = JSON.parse(await ok(['get', 'pod', 'small', '-n', 'limits', '-o', 'json']));
  assert.deepEqual(p.spec.containers[0].resources, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '500m', memory: '128Mi' } });
  assert.equal(p.metadata.annotations['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container small; cpu, memory limit for container small');
  const r = await kubectl(['run', 'huge', '--image=nginx', '-n', 'limits', '--overrides', JSON.stringify({ spec: { containers: [{ name: 'huge', image: 'nginx', resources: { limits: { cpu: '2' } } }] } })]);
  assert.match(r.stderr, /pods "huge" is forbidden: Maximum cpu usage per Container is 1, but limit is 2\./);
});

test('PodSecurity enforce refuses with Kubernetes\' message; warn lets the pod in with a warning', async () => {
  await ok(['create', 'namespace', 'strict']);
  await ok(['label', 'namespace', 'strict', 'pod-security.kubernetes.io/enforce=restricted']);
  const r = await kubectl(['run', 'web', '--image=nginx', '-n', 'strict']);
  assert.notEqual(r.code, 0);
  assert.equal(r.stderr.trim(), 'Error from server (Forbidden): pods "web" is forbidden: violates PodSecurity "restricted:latest": ' +
    'allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false), ' +
    'unrestricted capabilities (container "web" must set securityContext.capabilities.drop=["ALL"]), ' +
    'runAsNonRoot != true (pod or container "web" must set securityContext.runAsNonRoot=true), ' +
    'seccompProfile (pod or container "web" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');

  await ok(['create', 'namespace', 'lenient']);
  await ok(['label', 'namespace', 'lenient', 'pod-security.kubernetes.io/enforce=baseline', 'pod-security.kubernetes.io/warn=restricted', 'pod-security.kubernetes.io/warn-version=v1.32']);
  const w = await kubectl(['run', 'web', '--image=nginx', '-n', 'lenient']);
  assert.equal(w.code, 0, w.stderr);
  assert.match(w.stderr, /^Warning: would violate PodSecurity "restricted:v1\.32": allowPrivilegeEscalation != false/m);
  const hostNet = await kubectl(['run', 'hn', '--image=nginx', '-n', 'lenient', '--overrides', JSON.stringify({ spec: { hostNetwork: true } })]);
  assert.match(hostNet.stderr, /pods "hn" is forbidden: violates PodSecurity "baseline:latest": host namespaces \(hostNetwork=true\)/);
});

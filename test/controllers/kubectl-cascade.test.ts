// Cascading deletion driven by the real kubectl against the whole controller manager: a deleted
// namespace empties itself and goes; a deleted Deployment takes its ReplicaSets and pods along,
// and with --cascade=orphan leaves them running, released from their owner.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfig } from '../../src/cmd/apiserver.js';
import { resourceRef } from '../../src/client/rest.js';
import { startHarness, eventually, type Harness } from './harness.js';

const PODS = resourceRef('', 'v1', 'pods');
const RSS = resourceRef('apps', 'v1', 'replicasets');
const NAMESPACES = resourceRef('', 'v1', 'namespaces', false);

let h: Harness;
let home: string;
let kc: string;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'k8ts-kubectl-cascade-'));
  h = await startHarness(['*']);
  kc = join(home, 'kubeconfig');
  writeFileSync(kc, kubeconfig(h.cluster.base));
});
after(async () => {
  await h?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

function kubectl(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/kubectl', args, { timeout: 60_000, env: { ...process.env, HOME: home, KUBECONFIG: kc } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`kubectl ${args.join(' ')}: ${stderr}${stdout}`)); else resolve(stdout);
    });
  });
}

const count = async (res: typeof PODS, namespace: string, labelSelector?: string) =>
  (await h.client.list(res, { namespace, labelSelector })).items.length;

test('kubectl delete namespace: the RC, its pods and a ConfigMap go, then the namespace', async () => {
  await kubectl('create', 'namespace', 'shop');
  const manifest = join(home, 'rc.yaml');
  writeFileSync(manifest, `apiVersion: v1
kind: ReplicationController
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {app: web}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
`);
  await kubectl('apply', '-f', manifest);
  await kubectl('-n', 'shop', 'create', 'configmap', 'settings', '--from-literal=a=b');
  await eventually(async () => (await count(PODS, 'shop')) === 3, '3 pods in shop', 20_000);
  // kubectl waits until the namespace is really gone.
  assert.match(await kubectl('delete', 'namespace', 'shop', '--timeout=60s'), /namespace "shop" deleted/);
  await assert.rejects(h.client.get(NAMESPACES, 'shop'), /not found/);
  assert.equal(await count(PODS, 'shop'), 0);
});

test('kubectl delete deployment takes its ReplicaSets and pods along', async () => {
  await kubectl('create', 'deployment', 'gone', '--image=nginx', '--replicas=2');
  await eventually(async () => (await count(PODS, 'default', 'app=gone')) === 2, '2 pods of gone', 20_000);
  assert.equal(await count(RSS, 'default', 'app=gone'), 1);
  await kubectl('delete', 'deployment', 'gone');
  await eventually(async () => (await count(RSS, 'default', 'app=gone')) === 0 && (await count(PODS, 'default', 'app=gone')) === 0,
    'the ReplicaSet and pods of gone to be collected', 20_000);
});

test('kubectl delete deployment --cascade=orphan leaves the ReplicaSet and pods, released', async () => {
  await kubectl('create', 'deployment', 'keep', '--image=nginx', '--replicas=2');
  await eventually(async () => (await count(PODS, 'default', 'app=keep')) === 2, '2 pods of keep', 20_000);
  await kubectl('delete', 'deployment', 'keep', '--cascade=orphan');
  await eventually(async () => {
    const rs = (await h.client.list<{ metadata: { ownerReferences?: unknown[] } }>(RSS, { namespace: 'default', labelSelector: 'app=keep' })).items;
    return rs.length === 1 && !(rs[0]!.metadata.ownerReferences?.length);
  }, 'the ReplicaSet of keep to be released', 20_000);
  await assert.rejects(kubectl('get', 'deployment', 'keep'), /NotFound/);
  // Given time to (wrongly) collect them, the orphans stay.
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(await count(RSS, 'default', 'app=keep'), 1);
  assert.equal(await count(PODS, 'default', 'app=keep'), 2);
});

// Self-healing and rollouts driven by the real kubectl against a real API server running the
// ReplicationController, ReplicaSet and Deployment controllers in-process. A small loop plays
// kubelet (marks pods Running and Ready through pods/status) where readiness matters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../src/api/core/v1/pod.js';
import type { ReplicationController } from '../../src/api/core/v1/replicationcontroller.js';
import { kubeconfig } from '../../src/cmd/apiserver.js';
import { createReplicationControllerController, createReplicaSetController } from '../../src/controllers/replication/index.js';
import { createDeploymentController } from '../../src/controllers/deployment/index.js';
import { PODS, REPLICATION_CONTROLLERS } from '../../src/controllers/workload/resources.js';
import { startWorkloadBench, eventually, activePods, playKubelet, ns, type WorkloadBench } from './workload-harness.js';

const KUBECTL = '/usr/bin/kubectl';

let b: WorkloadBench;
let home: string;
let kc: string;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'k8ts-kubectl-workloads-'));
  b = await startWorkloadBench();
  kc = join(home, 'kubeconfig');
  writeFileSync(kc, kubeconfig(b.cluster.base));
  b.start(createReplicationControllerController, createReplicaSetController, createDeploymentController);
});
after(async () => {
  await b?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

interface Run { code: number; stdout: string; stderr: string }

function kubectl(args: string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(KUBECTL, args, { timeout: timeoutMs, env: { ...process.env, HOME: home, KUBECONFIG: kc } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function ok(args: string[], timeoutMs?: number): Promise<string> {
  const r = await kubectl(args, timeoutMs);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

test('kubectl: an RC heals deleted pods, scales to 20 and 0, and releases a relabelled pod', async () => {
  const manifest = join(home, 'rc.yaml');
  writeFileSync(manifest, `apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 5
  selector:
    app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
`);
  await ok(['apply', '-f', manifest]);
  await eventually(async () => (await activePods(b.client, 'app=nginx')).length === 5, '5 pods', 15_000);
  const names = (await activePods(b.client, 'app=nginx')).map((p) => p.metadata.name!);
  await ok(['delete', 'pod', names[0]!, names[1]!, '--wait=false']);
  await eventually(async () => {
    const now = (await activePods(b.client, 'app=nginx')).map((p) => p.metadata.name!);
    return now.length === 5 && !now.includes(names[0]!) && !now.includes(names[1]!);
  }, 'back to 5 with 2 new pods', 15_000);

  await ok(['scale', 'rc', 'nginx', '--replicas=20']);
  await eventually(async () => (await activePods(b.client, 'app=nginx')).length === 20, '20 pods', 20_000);
  await eventually(async () => (await ok(['get', 'rc', 'nginx', '-o', 'jsonpath={.status.replicas}'])) === '20', 'status.replicas 20 via kubectl', 15_000);
  await ok(['scale', 'rc', 'nginx', '--replicas=0']);
  await eventually(async () => (await activePods(b.client, 'app=nginx')).length === 0, '0 pods', 20_000);
  await ok(['scale', 'rc', 'nginx', '--replicas=3']);
  await eventually(async () => (await activePods(b.client, 'app=nginx')).length === 3, '3 pods', 15_000);

  const victim = (await activePods(b.client, 'app=nginx'))[0]!.metadata.name!;
  await ok(['label', 'pod', victim, 'app=debug', '--overwrite']);
  await eventually(async () => (await activePods(b.client, 'app=nginx')).length === 3, 'replacement for the relabelled pod', 15_000);
  await eventually(async () => !(await b.client.get<Pod>(PODS, victim, { namespace: ns })).metadata.ownerReferences?.length, 'relabelled pod released', 15_000);
  const out = await ok(['get', 'pod', victim, '-o', 'jsonpath={.metadata.labels.app}']);
  assert.equal(out, 'debug');
  const rc = await b.client.get<ReplicationController>(REPLICATION_CONTROLLERS, 'nginx', { namespace: ns });
  await eventually(async () => (await b.client.get<ReplicationController>(REPLICATION_CONTROLLERS, 'nginx', { namespace: ns })).status?.replicas === 3, 'status 3', 10_000);
  assert.equal(rc.spec?.replicas, 3);
});

test('kubectl: create deployment, set image, rollout status, history, pause/resume and undo', async () => {
  const stopKubelet = playKubelet(b.client, 'app=web', { intervalMs: 30 });
  try {
    await ok(['create', 'deployment', 'web', '--image=nginx:1.26', '--replicas=3']);
    const s1 = await ok(['rollout', 'status', 'deployment/web', '--timeout=30s'], 40_000);
    assert.match(s1, /deployment "web" successfully rolled out/);

    await ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.27']);
    const s2 = await ok(['rollout', 'status', 'deployment/web', '--timeout=30s'], 40_000);
    assert.match(s2, /successfully rolled out/);
    assert.equal(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'nginx:1.27');
    await eventually(async () => (await activePods(b.client, 'app=web')).length === 3 && (await activePods(b.client, 'app=web')).every((p) => p.spec?.containers?.[0]?.image === 'nginx:1.27'), 'pods on 1.27', 15_000);

    const history = await ok(['rollout', 'history', 'deployment/web']);
    assert.match(history, /REVISION\s+CHANGE-CAUSE/);
    assert.match(history, /^1\s+<none>/m);
    assert.match(history, /^2\s+<none>/m);
    const rev1 = await ok(['rollout', 'history', 'deployment/web', '--revision=1']);
    assert.match(rev1, /nginx:1\.26/);

    await ok(['rollout', 'pause', 'deployment/web']);
    assert.equal(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.paused}']), 'true');
    await ok(['rollout', 'resume', 'deployment/web']);

    const undo = await ok(['rollout', 'undo', 'deployment/web']);
    assert.match(undo, /rolled back/);
    const s3 = await ok(['rollout', 'status', 'deployment/web', '--timeout=30s'], 40_000);
    assert.match(s3, /successfully rolled out/);
    assert.equal(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'nginx:1.26');
    await eventually(async () => (await activePods(b.client, 'app=web')).length === 3 && (await activePods(b.client, 'app=web')).every((p) => p.spec?.containers?.[0]?.image === 'nginx:1.26'), 'pods back on 1.26', 15_000);
    const after = await ok(['rollout', 'history', 'deployment/web']);
    // Rolling back to revision 1 makes it revision 3.
    assert.match(after, /^2\s+/m);
    assert.match(after, /^3\s+/m);
    assert.doesNotMatch(after, /^1\s+/m);
    const get = await ok(['get', 'deployment', 'web']);
    assert.match(get, /web\s+3\/3\s+3\s+3/);
  } finally {
    await stopKubelet();
  }
});

// The real kubectl (1.32 through gcloud's dispatcher, and 1.27) against a real API server: discovery,
// OpenAPI (explain, client-side validation), /version, and Service address allocation end to end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from './harness.js';
import { allResources } from '../../src/api/registry.js';
import { createServiceAllocators, createServiceHooks } from '../../src/apiserver/registry/service-hooks.js';

const KUBECTL_132 = '/usr/bin/kubectl';
const KUBECTL_127 = '/usr/lib/google-cloud-sdk/bin/kubectl.1.27';

let h: Harness;
let home: string;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'k8ts-kubectl-home-'));
  h = await startHarness({ resources: allResources(), hooks: { services: createServiceHooks(createServiceAllocators()) } });
});
after(async () => {
  await h?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

interface Run { code: number; stdout: string; stderr: string }

/** Runs kubectl with a fresh cache dir, a private HOME and a hard deadline. */
function kubectl(bin: string, args: string[]): Promise<Run> {
  const cache = mkdtempSync(join(home, 'cache-'));
  return new Promise((resolve) => {
    execFile(bin, ['--server', h.base, '--cache-dir', cache, ...args], { timeout: 60_000, env: { ...process.env, HOME: home, KUBECONFIG: join(home, 'none') } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

for (const [label, bin] of [['1.32', KUBECTL_132], ['1.27', KUBECTL_127]] as const) {
  test(`kubectl ${label} api-resources lists every resource with short names and groups`, async () => {
    const r = await kubectl(bin, ['api-resources']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(r.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(r.stdout, /^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m);
    assert.match(r.stdout, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
  });

  test(`kubectl ${label} explain walks into nested types and shows descriptions`, async () => {
    const r = await kubectl(bin, ['explain', 'pod.spec.containers']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /FIELD: containers <\[\]Container>/);
    assert.match(r.stdout, /^\s+image\s+<string>\n\s+\S/m);
    const d = await kubectl(bin, ['explain', 'deployment.spec.replicas']);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /GROUP:\s+apps/);
  });

  test(`kubectl ${label} passes the OpenAPI check and creates from a manifest`, async () => {
    const dir = mkdtempSync(join(home, 'manifest-'));
    const file = join(dir, 'cm.yaml');
    const name = `cm-${label.replace('.', '-')}`;
    writeFileSync(file, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: b\n`);
    const r = await kubectl(bin, ['create', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`configmap/${name} created`));
  });
}

test('kubectl version shows the server as 1.32 and the dispatcher picks kubectl 1.32', async () => {
  const r = await kubectl(KUBECTL_132, ['version']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Client Version: v1\.32\./);
  assert.match(r.stdout, /Server Version: v1\.32\.0-k8ts/);
});

test('kubectl creates Services with allocated addresses and is refused a taken one', async () => {
  const a = await kubectl(KUBECTL_132, ['create', 'service', 'nodeport', 'web', '--tcp=80:8080']);
  assert.equal(a.code, 0, a.stderr);
  const got = await kubectl(KUBECTL_132, ['get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].nodePort}']);
  const [ip, nodePort] = got.stdout.split(' ');
  assert.match(ip, /^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
  assert.ok(Number(nodePort) >= 30000 && Number(nodePort) <= 32767, got.stdout);
  const taken = await kubectl(KUBECTL_132, ['create', 'service', 'clusterip', 'dup', '--tcp=80:80', `--clusterip=${ip}`]);
  assert.notEqual(taken.code, 0);
  assert.match(taken.stderr, new RegExp(`spec.clusterIPs: Invalid value: \\["${ip.replace(/\./g, '\\.')}"\\]: failed to allocate IP ${ip.replace(/\./g, '\\.')}: provided IP is already allocated`));
});

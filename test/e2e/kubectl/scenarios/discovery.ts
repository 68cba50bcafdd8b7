// kubectl e2e scenarios for discovery and documents: api-resources, explain, cluster-info
// and version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ok, plain, type Scenario } from './context.js';

export function discoveryScenarios(s: Scenario): void {
  const { version, k } = s;

  test(`kubectl ${version}: api-resources lists resources with short names, groups and verbs`, async () => {
    const r = ok(await k('api-resources'));
    assert.match(r.stdout, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/m);
    assert.match(r.stdout, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(r.stdout, /^replicationcontrollers\s+rc\s+v1\s+true\s+ReplicationController$/m);
    assert.match(r.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(r.stdout, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    const w = ok(await k('api-resources', '-o', 'wide', '--api-group=apps'));
    assert.match(w.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment\s+create,delete,deletecollection,get,list,patch,update,watch\s+all$/m);
    const cluster = ok(await k('api-resources', '--namespaced=false', '-o', 'name'));
    const names = cluster.stdout.trim().split('\n');
    assert.ok(names.includes('namespaces') && names.includes('nodes'), cluster.stdout);
    assert.ok(!names.includes('pods'));
  });

  test(`kubectl ${version}: explain pod.spec.containers reads the server's OpenAPI schema`, async () => {
    const r = ok(await k('explain', 'pod.spec.containers'));
    assert.match(r.stdout, /^KIND:\s+Pod$/m);
    assert.match(r.stdout, /^VERSION:\s+v1$/m);
    assert.match(r.stdout, /^FIELD: containers <\[\]Container>$/m);
    assert.match(r.stdout, /^\s+image\s+<string>$/m);
    assert.match(r.stdout, /^\s+name\s+<string> -required-$/m);
    assert.match(r.stdout, /^\s+ports\s+<\[\]ContainerPort>$/m);
    const ports = ok(await k('explain', 'pod.spec.containers.ports'));
    assert.match(ports.stdout, /^\s+containerPort\s+<integer> -required-$/m);
    assert.match(ports.stdout, /^\s+protocol\s+<string>/m);
  });

  test(`kubectl ${version}: cluster-info and version report the server`, async () => {
    const ci = ok(await k('cluster-info'));
    assert.match(plain(ci.stdout), new RegExp(`^Kubernetes control plane is running at ${s.c.base.replace(/\./g, '\\.')}$`, 'm'));
    const v = JSON.parse(ok(await k('version', '-o', 'json')).stdout);
    assert.equal(v.serverVersion.major, '1');
    assert.equal(v.serverVersion.minor, '32');
    assert.match(v.serverVersion.gitVersion, /^v1\.32\.\d+/);
    // gcloud's dispatcher reports its own build as minor "32+".
    assert.match(v.clientVersion.minor, new RegExp(`^${version.split('.')[1]}\\+?$`));
    const text = ok(await k('version'));
    assert.match(text.stdout, /Server Version: (v1\.32\.\d+|version\.Info\{Major:"1", Minor:"32")/);
  });
}

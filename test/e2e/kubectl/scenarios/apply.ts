// kubectl e2e scenarios for apply -f (client-side and server-side), field validation, dry run
// and patch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appManifest, configMapManifest } from '../manifests.js';
import { ok, type Scenario } from './context.js';

export function applyScenarios(s: Scenario): void {
  const { version, k } = s;

  test(`kubectl ${version}: apply -f creates a namespace, ConfigMap, Service, ReplicationController and Deployment`, async () => {
    const file = s.c.file('app-v1.yaml', appManifest('shop', { color: 'blue', image: 'nginx:1.25', sidecar: true }));
    const r = ok(await k('apply', '-f', file));
    for (const line of ['namespace/shop created', 'configmap/settings created', 'service/web created',
      'replicationcontroller/web-rc created', 'deployment.apps/web created']) {
      assert.match(r.stdout, new RegExp(`^${line.replace('.', '\\.')}$`, 'm'));
    }
    const ns = await s.c.stored('/registry/core/namespaces/shop');
    assert.equal(ns.status.phase, 'Active');
    const cm = await s.c.stored('/registry/core/configmaps/shop/settings');
    assert.deepEqual(cm.data, { color: 'blue' });
    assert.match(cm.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], /"color":"blue"/);
    const svc = await s.c.stored('/registry/core/services/shop/web');
    assert.match(svc.spec.clusterIP, /^10\.\d+\.\d+\.\d+$/);
    assert.deepEqual(svc.spec.ports, [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }]);
    const rc = await s.c.stored('/registry/core/replicationcontrollers/shop/web-rc');
    assert.equal(rc.spec.replicas, 2);
    const dep = await s.c.stored('/registry/apps/deployments/shop/web');
    assert.deepEqual(dep.spec.template.spec.containers.map((x: any) => x.name), ['main', 'sidecar']);
    assert.equal(dep.metadata.generation, 1);
  });

  test(`kubectl ${version}: apply -f again changes a field and the strategic merge removes the dropped container`, async () => {
    const file = s.c.file('app-v2.yaml', appManifest('shop', { color: 'green', image: 'nginx:1.26', sidecar: false }));
    const r = ok(await k('apply', '-f', file));
    assert.match(r.stdout, /^namespace\/shop unchanged$/m);
    assert.match(r.stdout, /^configmap\/settings configured$/m);
    assert.match(r.stdout, /^service\/web unchanged$/m);
    assert.match(r.stdout, /^deployment\.apps\/web configured$/m);
    const cm = await s.c.stored('/registry/core/configmaps/shop/settings');
    assert.deepEqual(cm.data, { color: 'green' });
    const dep = (await s.c.api('GET', '/apis/apps/v1/namespaces/shop/deployments/web')).json;
    const containers = dep.spec.template.spec.containers;
    assert.deepEqual(containers.map((x: any) => [x.name, x.image]), [['main', 'nginx:1.26']], 'the sidecar must be gone');
    assert.equal(dep.metadata.generation, 2);
    const rc = (await s.c.api('GET', '/api/v1/namespaces/shop/replicationcontrollers/web-rc')).json;
    assert.equal(rc.spec.template.spec.containers[0].image, 'nginx:1.26');
  });

  test(`kubectl ${version}: apply --server-side records managedFields and refuses a conflict unless --force-conflicts`, async () => {
    const v1 = s.c.file('ssa-1.yaml', configMapManifest('default', 'ssa', { key: 'one', other: 'x' }));
    const v2 = s.c.file('ssa-2.yaml', configMapManifest('default', 'ssa', { key: 'two' }));
    const r = ok(await k('apply', '--server-side', '-f', v1));
    assert.match(r.stdout, /^configmap\/ssa serverside-applied$/m);
    let cm = (await s.c.api('GET', '/api/v1/namespaces/default/configmaps/ssa')).json;
    const mine = cm.metadata.managedFields.find((m: any) => m.manager === 'kubectl');
    assert.equal(mine?.operation, 'Apply');
    assert.ok(mine.fieldsV1['f:data']['f:key'], JSON.stringify(mine));

    const conflict = await k('apply', '--server-side', '--field-manager=other', '-f', v2);
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.data\.key/);
    assert.match(conflict.stderr, /--force-conflicts/);
    cm = (await s.c.api('GET', '/api/v1/namespaces/default/configmaps/ssa')).json;
    assert.equal(cm.data.key, 'one', 'a refused apply changes nothing');

    ok(await k('apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', v2));
    cm = (await s.c.api('GET', '/api/v1/namespaces/default/configmaps/ssa')).json;
    assert.equal(cm.data.key, 'two');
    assert.equal(cm.data.other, 'x', 'fields still owned by kubectl stay');
    const other = cm.metadata.managedFields.find((m: any) => m.manager === 'other');
    assert.ok(other?.fieldsV1['f:data']['f:key']);
    const kubectlNow = cm.metadata.managedFields.find((m: any) => m.manager === 'kubectl');
    assert.equal(kubectlNow?.fieldsV1['f:data']['f:key'], undefined, 'the forced field changed owner');
  });

  test(`kubectl ${version}: apply refuses unknown fields by default, --validate=warn stores with a warning, --dry-run=server stores nothing`, async () => {
    const unknown = s.c.file('unknown.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: typo\n  namespace: default\nspec:\n  containers:\n  - name: main\n    image: nginx\n    imagePullPolice: Always\n');
    const strict = await k('apply', '-f', unknown);
    assert.equal(strict.code, 1);
    assert.equal(strict.stderr.trim(), `Error from server (BadRequest): error when creating "${unknown}": strict decoding error: unknown field "spec.containers[0].imagePullPolice"`);
    assert.equal(await s.c.stored('/registry/core/pods/default/typo'), null);
    const warn = ok(await k('apply', '--validate=warn', '-f', unknown));
    assert.match(warn.stderr, /^Warning: unknown field "spec\.containers\[0\]\.imagePullPolice"$/m);
    const pod = await s.c.stored('/registry/core/pods/default/typo');
    assert.equal(pod.spec.containers[0].imagePullPolice, undefined, 'the unknown field is dropped');
    assert.equal(pod.spec.containers[0].imagePullPolicy, 'Always', 'defaulted for nginx (latest)');

    const dry = s.c.file('dry.yaml', configMapManifest('default', 'dry', { a: 'b' }));
    const d = ok(await k('apply', '--dry-run=server', '-f', dry));
    assert.match(d.stdout, /^configmap\/dry created \(server dry run\)$/m);
    assert.equal(await s.c.stored('/registry/core/configmaps/default/dry'), null);
  });

  test(`kubectl ${version}: patch applies strategic merge, JSON merge and JSON patches`, async () => {
    const sm = ok(await k('patch', 'deployment', 'web', '-n', 'shop', '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"helper","image":"busybox:1.36"}]}}}}'));
    assert.match(sm.stdout, /^deployment\.apps\/web patched$/m);
    let dep = await s.c.stored('/registry/apps/deployments/shop/web');
    assert.deepEqual(dep.spec.template.spec.containers.map((x: any) => x.name), ['helper', 'main'], 'merged by name, not replaced');
    ok(await k('patch', 'deployment', 'web', '-n', 'shop', '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"helper","$patch":"delete"}]}}}}'));
    dep = await s.c.stored('/registry/apps/deployments/shop/web');
    assert.deepEqual(dep.spec.template.spec.containers.map((x: any) => x.name), ['main']);
    ok(await k('patch', 'configmap', 'settings', '-n', 'shop', '--type=merge', '-p', '{"data":{"size":"L"}}'));
    ok(await k('patch', 'configmap', 'settings', '-n', 'shop', '--type=json', '-p', '[{"op":"replace","path":"/data/size","value":"XL"}]'));
    assert.deepEqual((await s.c.stored('/registry/core/configmaps/shop/settings')).data, { color: 'green', size: 'XL' });
    const bad = await k('patch', 'configmap', 'settings', '-n', 'shop', '--type=json', '-p', '[{"op":"test","path":"/data/size","value":"S"}]');
    assert.equal(bad.code, 1);
    // kube-apiserver answers a failed `test` op with NewGenericServerResponse(422): a fixed sentence.
    assert.equal(bad.stderr.trim(), 'The request is invalid: the server rejected our request due to an error in our request');
    assert.equal((await s.c.stored('/registry/core/configmaps/shop/settings')).data.size, 'XL');
  });
}

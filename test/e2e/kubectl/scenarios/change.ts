// kubectl e2e scenarios for describe, label, annotate, scale, create, run, delete and wait:
// what kubectl changed is what the server holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configMapManifest } from '../manifests.js';
import { ok, rows, type Scenario } from './context.js';

export function changeScenarios(s: Scenario): void {
  const { version, k } = s;

  test(`kubectl ${version}: describe shows the Deployment, ReplicationController and Service as stored`, async () => {
    const d = ok(await k('describe', 'deployment', 'web', '-n', 'shop'));
    assert.match(d.stdout, /^Name:\s+web$/m);
    assert.match(d.stdout, /^Namespace:\s+shop$/m);
    assert.match(d.stdout, /^Selector:\s+app=web$/m);
    assert.match(d.stdout, /^Replicas:\s+1 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable$/m);
    assert.match(d.stdout, /^StrategyType:\s+RollingUpdate$/m);
    assert.match(d.stdout, /^\s+Image:\s+nginx:1\.26$/m);
    assert.doesNotMatch(d.stdout, /sidecar/);
    const rc = ok(await k('describe', 'rc', 'web-rc', '-n', 'shop'));
    assert.match(rc.stdout, /^Replicas:\s+0 current \/ 2 desired$/m);
    const svc = (await s.c.api('GET', '/api/v1/namespaces/shop/services/web')).json;
    const described = ok(await k('describe', 'svc', 'web', '-n', 'shop'));
    assert.match(described.stdout, new RegExp(`^IP:\\s+${svc.spec.clusterIP.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(described.stdout, /^Port:\s+http\s+80\/TCP$/m);
    assert.match(described.stdout, /^TargetPort:\s+8080\/TCP$/m);
  });

  test(`kubectl ${version}: label and annotate patch the object and refuse to overwrite without --overwrite`, async () => {
    const l = ok(await k('label', 'configmap', 'settings', '-n', 'shop', 'tier=front'));
    assert.match(l.stdout, /^configmap\/settings labeled$/m);
    let cm = await s.c.stored('/registry/core/configmaps/shop/settings');
    assert.deepEqual(cm.metadata.labels, { app: 'web', tier: 'front' });
    assert.ok(cm.metadata.managedFields.some((m: any) => m.manager === 'kubectl-label'));
    const again = await k('label', 'configmap', 'settings', '-n', 'shop', 'tier=back');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /'tier' already has a value \(front\), and --overwrite is false/);
    ok(await k('label', 'configmap', 'settings', '-n', 'shop', 'tier=back', '--overwrite'));
    assert.equal((await s.c.stored('/registry/core/configmaps/shop/settings')).metadata.labels.tier, 'back');
    ok(await k('label', 'configmap', 'settings', '-n', 'shop', 'tier-'));
    assert.deepEqual((await s.c.stored('/registry/core/configmaps/shop/settings')).metadata.labels, { app: 'web' });

    const a = ok(await k('annotate', 'configmap', 'settings', '-n', 'shop', 'owner=team-a', 'note=hello world'));
    assert.match(a.stdout, /^configmap\/settings annotated?$/m);
    cm = await s.c.stored('/registry/core/configmaps/shop/settings');
    assert.equal(cm.metadata.annotations.owner, 'team-a');
    assert.equal(cm.metadata.annotations.note, 'hello world');
    assert.ok(cm.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], 'other annotations are kept');
    const rv = (await s.c.api('GET', '/api/v1/namespaces/shop/configmaps/settings')).json.metadata.resourceVersion;
    const stale = await k('annotate', 'configmap', 'settings', '-n', 'shop', 'owner=team-b', '--overwrite', `--resource-version=${Number(rv) - 1}`);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /Error from server \(Conflict\): Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again/);
    assert.equal((await s.c.stored('/registry/core/configmaps/shop/settings')).metadata.annotations.owner, 'team-a');
  });

  test(`kubectl ${version}: scale rc --replicas writes spec.replicas through the scale subresource`, async () => {
    const r = ok(await k('scale', 'rc', 'web-rc', '-n', 'shop', '--replicas=5'));
    assert.match(r.stdout, /^replicationcontroller\/web-rc scaled$/m);
    const rc = await s.c.stored('/registry/core/replicationcontrollers/shop/web-rc');
    assert.equal(rc.spec.replicas, 5);
    const scale = (await s.c.api('GET', '/api/v1/namespaces/shop/replicationcontrollers/web-rc/scale')).json;
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.spec.replicas, 5);
    assert.equal(scale.status.selector, 'app=web-rc');
    const wrong = await k('scale', 'rc', 'web-rc', '-n', 'shop', '--current-replicas=2', '--replicas=1');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /Expected replicas to be 2, was 5/);
    ok(await k('scale', 'rc', 'web-rc', '-n', 'shop', '--current-replicas=5', '--replicas=3'));
    assert.equal((await s.c.stored('/registry/core/replicationcontrollers/shop/web-rc')).spec.replicas, 3);
    ok(await k('scale', 'deployment', 'web', '-n', 'shop', '--replicas=4'));
    assert.equal((await s.c.stored('/registry/apps/deployments/shop/web')).spec.replicas, 4);
  });


  test(`kubectl ${version}: create namespace, deployment, configmap, secret and service store what was asked`, async () => {
    assert.match(ok(await k('create', 'namespace', 'made')).stdout, /^namespace\/made created$/m);
    const ns = await s.c.stored('/registry/core/namespaces/made');
    assert.equal(ns.status.phase, 'Active');
    assert.equal(ns.metadata.labels['kubernetes.io/metadata.name'], 'made');

    assert.match(ok(await k('create', 'deployment', 'd1', '-n', 'made', '--image=nginx:1.27', '--replicas=2', '--port=80')).stdout, /^deployment\.apps\/d1 created$/m);
    const d = await s.c.stored('/registry/apps/deployments/made/d1');
    assert.equal(d.spec.replicas, 2);
    assert.deepEqual(d.spec.selector, { matchLabels: { app: 'd1' } });
    assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.27');
    assert.equal(d.spec.template.spec.containers[0].ports[0].containerPort, 80);
    assert.equal(d.spec.strategy.type, 'RollingUpdate', 'defaults are applied');

    assert.match(ok(await k('create', 'configmap', 'c1', '-n', 'made', '--from-literal=a=1', '--from-literal=greeting=hello world')).stdout, /^configmap\/c1 created$/m);
    assert.deepEqual((await s.c.stored('/registry/core/configmaps/made/c1')).data, { a: '1', greeting: 'hello world' });

    assert.match(ok(await k('create', 'secret', 'generic', 's1', '-n', 'made', '--from-literal=password=hunter2')).stdout, /^secret\/s1 created$/m);
    const secret = await s.c.stored('/registry/core/secrets/made/s1');
    assert.equal(secret.type, 'Opaque');
    assert.equal(Buffer.from(secret.data.password, 'base64').toString(), 'hunter2');

    assert.match(ok(await k('create', 'service', 'clusterip', 'svc1', '-n', 'made', '--tcp=80:8080')).stdout, /^service\/svc1 created$/m);
    const svc = await s.c.stored('/registry/core/services/made/svc1');
    assert.equal(svc.spec.type, 'ClusterIP');
    assert.deepEqual(svc.spec.selector, { app: 'svc1' });
    assert.deepEqual(svc.spec.ports, [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }]);
    assert.match(svc.spec.clusterIP, /^10\./);

    const t = rows(ok(await k('get', 'deploy,cm,secret,svc', '-n', 'made')).stdout);
    assert.ok(t.some((r) => r[0] === 'secret/s1' && r[1] === 'Opaque' && r[2] === '1'), JSON.stringify(t));
  });

  test(`kubectl ${version}: run creates a pending pod with kubectl's labels and the server's defaults`, async () => {
    const r = ok(await k('run', 'p1', '-n', 'made', '--image=busybox:1.36', '--labels=app=p1,tier=x', '--', 'sleep', '60'));
    assert.match(r.stdout, /^pod\/p1 created$/m);
    const pod = await s.c.stored('/registry/core/pods/made/p1');
    assert.deepEqual(pod.metadata.labels, { app: 'p1', tier: 'x' });
    assert.equal(pod.spec.containers[0].image, 'busybox:1.36');
    assert.deepEqual(pod.spec.containers[0].args, ['sleep', '60']);
    assert.equal(pod.spec.restartPolicy, 'Always');
    assert.equal(pod.spec.dnsPolicy, 'ClusterFirst');
    assert.equal(pod.spec.terminationGracePeriodSeconds, 30);
    assert.equal(pod.status.phase, 'Pending');
    ok(await k('run', 'p2', '-n', 'made', '--image=nginx', '--restart=Never'));
    const p2 = await s.c.stored('/registry/core/pods/made/p2');
    assert.deepEqual(p2.metadata.labels, { run: 'p2' });
    assert.equal(p2.spec.restartPolicy, 'Never');
    const t = rows(ok(await k('get', 'pods', '-n', 'made', '-o', 'wide')).stdout);
    assert.deepEqual(t[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    assert.deepEqual(t[1]!.slice(0, 4), ['p1', '0/1', 'Pending', '0']);
    assert.deepEqual(t[1]!.slice(5), ['<none>', '<none>', '<none>', '<none>']);
  });


  test(`kubectl ${version}: delete removes the object; --cascade=orphan and foreground leave it to the garbage collector`, async () => {
    const r = ok(await k('delete', 'configmap', 'c1', '-n', 'made'));
    assert.match(r.stdout, /^configmap "c1" deleted$/m);
    assert.equal(await s.c.stored('/registry/core/configmaps/made/c1'), null);

    // No garbage collector runs here: the orphan finalizer must stay on the object.
    const o = ok(await k('delete', 'deployment', 'd1', '-n', 'made', '--cascade=orphan', '--wait=false'));
    assert.match(o.stdout, /^deployment\.apps "d1" deleted$/m);
    const d = await s.c.stored('/registry/apps/deployments/made/d1');
    assert.deepEqual(d.metadata.finalizers, ['orphan']);
    assert.ok(d.metadata.deletionTimestamp);
    assert.equal(d.metadata.deletionGracePeriodSeconds, 0);

    ok(await k('delete', 'rc', 'web-rc', '-n', 'shop', '--cascade=foreground', '--wait=false'));
    const rc = await s.c.stored('/registry/core/replicationcontrollers/shop/web-rc');
    assert.deepEqual(rc.metadata.finalizers, ['foregroundDeletion']);
    assert.ok(rc.metadata.deletionTimestamp);

    const gone = await k('delete', 'pod', 'nope', '-n', 'made');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^Error from server \(NotFound\): pods "nope" not found$/m);
    assert.equal(ok(await k('delete', 'pod', 'nope', '-n', 'made', '--ignore-not-found')).stdout, '');
  });

  test(`kubectl ${version}: wait --for=delete returns once the object is deleted`, async () => {
    const cm = await s.c.api('POST', '/api/v1/namespaces/made/configmaps', { metadata: { name: 'doomed' } });
    assert.equal(cm.status, 201, cm.text);
    // Nothing else watches ConfigMaps here once earlier kubectl watches are gone: then a new watch
    // is kubectl's, and the delete below reaches it as a DELETED event rather than a 404 on its GET.
    await s.untilWatchers('ConfigMap', (n) => n === 0, 'earlier ConfigMap watches to close');
    const w = s.c.spawn(['wait', '--for=delete', 'configmap/doomed', '-n', 'made', '--timeout=30s']);
    try {
      await s.untilWatchers('ConfigMap', (n) => n > 0, "kubectl wait's watch");
      assert.equal(w.stdout(), '', 'still waiting while the object exists');
      assert.equal((await s.c.api('DELETE', '/api/v1/namespaces/made/configmaps/doomed')).status, 200);
      await w.waitForLine(/^configmap\/doomed condition met$/);
    } finally {
      await w.stop();
    }
    // An unscheduled pod is deleted at once, so kubectl's own delete-and-wait completes too.
    ok(await k('run', 'short', '-n', 'made', '--image=nginx'));
    const d = ok(await k('delete', 'pod', 'short', '-n', 'made', '--timeout=20s'));
    assert.match(d.stdout, /^pod "short" deleted$/m);
    assert.equal(await s.c.stored('/registry/core/pods/made/short'), null);
    const done = ok(await k('wait', '--for=delete', 'pod/short', '-n', 'made', '--timeout=5s'));
    assert.equal(done.stderr, '');
  });
}

// kubectl e2e scenarios for get: the server's tables and their columns, output formats,
// selectors, -A, sorting, labels, paging, watch and events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { ok, rows, type Scenario, type KubectlRun } from './context.js';

export function getScenarios(s: Scenario): void {
  const { version, k } = s;

  test(`kubectl ${version}: get --chunk-size pages through the server's continue tokens`, async () => {
    ok(await k('create', 'namespace', 'pages'));
    for (let i = 1; i <= 5; i++) {
      const res = await s.c.api('POST', '/api/v1/namespaces/pages/configmaps', { metadata: { name: `p${i}` } });
      assert.equal(res.status, 201, res.text);
    }
    const r = ok(await k('get', 'configmaps', '-n', 'pages', '--chunk-size=2', '-v=6'));
    assert.deepEqual(rows(r.stdout).map((x) => x[0]), ['NAME', 'p1', 'p2', 'p3', 'p4', 'p5']);
    assert.equal((r.stderr.match(/configmaps\?continue=/g) ?? []).length, 2, 'two more pages were asked for');
  });

  test(`kubectl ${version}: get prints Kubernetes' table columns and -o wide adds the wide ones`, async () => {
    const d = ok(await k('get', 'deployments', '-n', 'shop'));
    assert.deepEqual(rows(d.stdout)[0], ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    assert.deepEqual(rows(d.stdout)[1]!.slice(0, 4), ['web', '0/1', '0', '0']);
    const w = ok(await k('get', 'deployments', '-n', 'shop', '-o', 'wide'));
    assert.deepEqual(rows(w.stdout)[0], ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    assert.deepEqual(rows(w.stdout)[1]!.slice(5), ['main', 'nginx:1.26', 'app=web']);
    const svcTable = ok(await k('get', 'svc', 'web', '-n', 'shop', '-o', 'wide'));
    assert.deepEqual(rows(svcTable.stdout)[0], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
    const svc = (await s.c.api('GET', '/api/v1/namespaces/shop/services/web')).json;
    assert.deepEqual(rows(svcTable.stdout)[1]!.slice(0, 5), ['web', 'ClusterIP', svc.spec.clusterIP, '<none>', '80/TCP']);
    const rc = ok(await k('get', 'rc', '-n', 'shop'));
    assert.deepEqual(rows(rc.stdout)[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    assert.deepEqual(rows(rc.stdout)[1]!.slice(0, 4), ['web-rc', '2', '0', '0']);
    const empty = ok(await k('get', 'pods', '-n', 'shop'));
    assert.equal(empty.stdout, '');
    assert.match(empty.stderr, /No resources found in shop namespace\./);
  });

  test(`kubectl ${version}: get prints Kubernetes' columns for nodes, replicasets, daemonsets, leases and priorityclasses`, async () => {
    const created = await Promise.all([
      s.c.api('POST', '/api/v1/nodes', {
        metadata: { name: 'n1', labels: { 'node-role.kubernetes.io/control-plane': '' } },
        status: {
          nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.0' },
          addresses: [{ type: 'InternalIP', address: '10.0.0.1' }], conditions: [{ type: 'Ready', status: 'True' }],
        },
      }),
      s.c.api('POST', '/apis/apps/v1/namespaces/shop/replicasets', {
        metadata: { name: 'rs1' },
        spec: { replicas: 2, selector: { matchLabels: { a: 'rs' } }, template: { metadata: { labels: { a: 'rs' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      }),
      s.c.api('POST', '/apis/apps/v1/namespaces/shop/daemonsets', {
        metadata: { name: 'ds1' },
        spec: { selector: { matchLabels: { a: 'ds' } }, template: { metadata: { labels: { a: 'ds' } }, spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'c', image: 'nginx' }] } } },
      }),
      s.c.api('POST', '/apis/coordination.k8s.io/v1/namespaces/shop/leases', { metadata: { name: 'l1' }, spec: { holderIdentity: 'me' } }),
      s.c.api('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', { metadata: { name: 'pc1' }, value: 100 }),
    ]);
    for (const r of created) assert.equal(r.status, 201, r.text);
    const nodes = rows(ok(await k('get', 'nodes', '-o', 'wide')).stdout);
    assert.deepEqual(nodes[0], ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
    assert.deepEqual([...nodes[1]!.slice(0, 3), ...nodes[1]!.slice(4)], ['n1', 'Ready', 'control-plane', 'v1.32.0', '10.0.0.1', '<none>', 'Debian GNU/Linux 12', '6.1.0', 'containerd://1.7.0']);
    const rs = rows(ok(await k('get', 'rs', '-n', 'shop', '-o', 'wide')).stdout);
    assert.deepEqual(rs[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    assert.deepEqual(rs[1]!.slice(5), ['c', 'nginx', 'a=rs']);
    const ds = rows(ok(await k('get', 'ds', '-n', 'shop')).stdout);
    assert.deepEqual(ds[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
    assert.equal(ds[1]![6], 'disk=ssd');
    const leases = rows(ok(await k('get', 'leases', '-n', 'shop')).stdout);
    assert.deepEqual(leases.map((r) => r.slice(0, 2)), [['NAME', 'HOLDER'], ['l1', 'me']]);
    const pc = rows(ok(await k('get', 'priorityclass', 'pc1')).stdout);
    assert.deepEqual(pc[0], ['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY']);
    assert.deepEqual([...pc[1]!.slice(0, 3), pc[1]![4]], ['pc1', '100', 'false', 'PreemptLowerPriority']);
  });

  test(`kubectl ${version}: get -o yaml, -o json and -o name print the stored objects`, async () => {
    const y = parseYaml(ok(await k('get', 'configmap', 'settings', '-n', 'shop', '-o', 'yaml')).stdout);
    assert.equal(y.kind, 'ConfigMap');
    assert.equal(y.apiVersion, 'v1');
    assert.deepEqual(y.data, { color: 'green', size: 'XL' });
    const stored = (await s.c.api('GET', '/api/v1/namespaces/shop/configmaps/settings')).json;
    assert.equal(y.metadata.uid, stored.metadata.uid);
    assert.equal(y.metadata.resourceVersion, stored.metadata.resourceVersion);
    const j = JSON.parse(ok(await k('get', 'rc,deploy', '-n', 'shop', '-o', 'json')).stdout);
    assert.equal(j.kind, 'List');
    assert.deepEqual(j.items.map((i: any) => `${i.kind}/${i.metadata.name}`), ['ReplicationController/web-rc', 'Deployment/web']);
    const n = ok(await k('get', 'cm,svc,rc,deploy', '-n', 'shop', '-o', 'name'));
    assert.deepEqual(n.stdout.trim().split('\n'), ['configmap/settings', 'service/web', 'replicationcontroller/web-rc', 'deployment.apps/web']);
  });

  test(`kubectl ${version}: get -l and --field-selector filter on the server`, async () => {
    ok(await k('create', 'namespace', 'sel'));
    for (const [name, tier] of [['a1', 'front'], ['a2', 'back'], ['a3', 'db']] as const) {
      const res = await s.c.api('POST', '/api/v1/namespaces/sel/configmaps', { metadata: { name, labels: { tier, app: 'sel' } } });
      assert.equal(res.status, 201, res.text);
    }
    const names = (r: KubectlRun) => ok(r).stdout.trim().split('\n');
    assert.deepEqual(names(await k('get', 'cm', '-n', 'sel', '-l', 'tier=front', '-o', 'name')), ['configmap/a1']);
    assert.deepEqual(names(await k('get', 'cm', '-n', 'sel', '-l', 'tier in (back,db)', '-o', 'name')), ['configmap/a2', 'configmap/a3']);
    assert.deepEqual(names(await k('get', 'cm', '-n', 'sel', '-l', 'app=sel,tier!=front', '-o', 'name')), ['configmap/a2', 'configmap/a3']);
    assert.deepEqual(names(await k('get', 'cm', '-n', 'sel', '--field-selector', 'metadata.name=a2', '-o', 'name')), ['configmap/a2']);
    assert.deepEqual(names(await k('get', 'cm', '-n', 'sel', '-l', 'app=sel', '--field-selector', 'metadata.name!=a2', '-o', 'name')), ['configmap/a1', 'configmap/a3']);
    const none = ok(await k('get', 'cm', '-n', 'sel', '-l', 'tier=nowhere'));
    assert.match(none.stderr, /No resources found in sel namespace\./);
    const bad = await k('get', 'pods', '--field-selector', 'spec.color=red');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Error from server \(BadRequest\): .*field label not supported: spec\.color/);
  });

  test(`kubectl ${version}: get -A, --sort-by and --show-labels use the objects in the table rows`, async () => {
    const a = ok(await k('get', 'rc,deploy', '-A'));
    const rcRows = rows(a.stdout.split('\n\n')[0]!);
    assert.deepEqual(rcRows[0]!.slice(0, 3), ['NAMESPACE', 'NAME', 'DESIRED']);
    assert.deepEqual(rcRows[1]!.slice(0, 2), ['shop', 'replicationcontroller/web-rc']);
    const nsRows = rows(ok(await k('get', 'svc', '-A')).stdout);
    assert.deepEqual(nsRows.slice(1).map((r) => `${r[0]}/${r[1]}`), ['default/kubernetes', 'shop/web']);

    for (const [name, order] of [['s-b', '2'], ['s-c', '1'], ['s-a', '3']]) {
      const res = await s.c.api('POST', '/api/v1/namespaces/sel/configmaps', { metadata: { name, labels: { sort: 'yes', order } } });
      assert.equal(res.status, 201, res.text);
    }
    const byName = rows(ok(await k('get', 'cm', '-n', 'sel', '-l', 'sort=yes', '--sort-by=.metadata.name')).stdout);
    assert.deepEqual(byName.slice(1).map((r) => r[0]), ['s-a', 's-b', 's-c']);
    const byLabel = rows(ok(await k('get', 'cm', '-n', 'sel', '-l', 'sort=yes', '--sort-by=.metadata.labels.order')).stdout);
    assert.deepEqual(byLabel.slice(1).map((r) => r[0]), ['s-c', 's-b', 's-a']);
    const byAll = rows(ok(await k('get', 'svc', '-A', '--sort-by=.metadata.name')).stdout);
    assert.deepEqual(byAll.slice(1).map((r) => r[1]), ['kubernetes', 'web']);

    const labels = rows(ok(await k('get', 'cm', 'a1', '-n', 'sel', '--show-labels')).stdout);
    assert.equal(labels[0]!.at(-1), 'LABELS');
    assert.equal(labels[1]!.at(-1), 'app=sel,tier=front');
  });

  test(`kubectl ${version}: get -w prints a new row when the object changes through the API`, async () => {
    const res = await s.c.api('POST', '/api/v1/namespaces/sel/configmaps', { metadata: { name: 'watched' }, data: { a: '1' } });
    assert.equal(res.status, 201, res.text);
    const w = s.c.spawn(['get', 'configmap', 'watched', '-n', 'sel', '-w']);
    try {
      await w.waitForLine(/^watched\s+1\s/);
      const p = await s.c.api('PATCH', '/api/v1/namespaces/sel/configmaps/watched', { data: { b: '2', c: '3' } }, { 'Content-Type': 'application/merge-patch+json' });
      assert.equal(p.status, 200, p.text);
      await w.waitForLine(/^watched\s+3\s/);
      const lines = w.stdout().trim().split('\n');
      assert.match(lines[0]!, /^NAME\s+DATA\s+AGE$/);
      assert.equal(lines.length, 3, `one header, the listed row, one row for the change:\n${w.stdout()}`);
    } finally {
      await w.stop();
    }
  });

  test(`kubectl ${version}: get events prints LAST SEEN first and NAME only with -o wide`, async () => {
    const pod = await s.c.api('POST', '/api/v1/namespaces/sel/pods', { metadata: { name: 'evpod' }, spec: { containers: [{ name: 'main', image: 'nginx' }] } });
    assert.equal(pod.status, 201, pod.text);
    const at = new Date(Date.now() - 120_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const ev = await s.c.api('POST', '/api/v1/namespaces/sel/events', {
      metadata: { name: 'evpod.1' },
      involvedObject: { kind: 'Pod', namespace: 'sel', name: 'evpod', uid: pod.json.metadata.uid, apiVersion: 'v1' },
      reason: 'Pulling', message: 'Pulling image "nginx"', type: 'Normal', source: { component: 'kubelet' },
      firstTimestamp: at, lastTimestamp: at, count: 2,
    });
    assert.equal(ev.status, 201, ev.text);
    const t = rows(ok(await k('get', 'events', '-n', 'sel')).stdout);
    assert.deepEqual(t[0], ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    assert.deepEqual(t[1]!.slice(1), ['Normal', 'Pulling', 'pod/evpod', 'Pulling image "nginx"']);
    const wide = rows(ok(await k('get', 'events', '-n', 'sel', '-o', 'wide')).stdout);
    assert.deepEqual(wide[0], ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME']);
    assert.equal(wide[1]!.at(-1), 'evpod.1');
    const all = rows(ok(await k('get', 'events', '-A')).stdout);
    assert.deepEqual(all[0], ['NAMESPACE', 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);

    const d = ok(await k('describe', 'pod', 'evpod', '-n', 'sel'));
    assert.match(d.stdout, /^Name:\s+evpod$/m);
    assert.match(d.stdout, /^Status:\s+Pending$/m);
    assert.match(d.stdout, /^\s+Image:\s+nginx$/m);
    assert.match(d.stdout, /^\s+Normal\s+Pulling\s+\S+ \(x2 over \S+\)\s+kubelet\s+Pulling image "nginx"$/m);
  });
}

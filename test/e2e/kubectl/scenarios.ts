// The kubectl end-to-end scenarios, registered once per kubectl binary (one test file per
// version, so the runner can run them side by side). Each scenario checks what kubectl printed
// and then what the API server really holds afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { startKubectlCluster, KUBECTL, type KubectlCluster, type KubectlRun } from './cluster.js';
import { appManifest, configMapManifest } from './manifests.js';

type Version = keyof typeof KUBECTL;

const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (s: string) => s.replace(ANSI, '');

/** Fails with everything kubectl said when it did not exit 0. */
function ok(r: KubectlRun): KubectlRun {
  assert.equal(r.code, 0, `kubectl exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/** The table's header and rows, split on kubectl's column padding. */
function rows(stdout: string): string[][] {
  return stdout.split('\n').filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s{2,}/));
}

export function kubectlScenarios(version: Version): void {
  const bin = KUBECTL[version];
  let c: KubectlCluster;
  const k = (...args: string[]) => c.kubectl(args);

  /** The API server's count of open watches on kind (its /metrics gauge). */
  async function watchers(kind: string): Promise<number> {
    const re = new RegExp(`^apiserver_registered_watchers\\{[^}]*kind="${kind}"[^}]*\\} ([0-9]+)$`, 'm');
    const m = re.exec((await c.api('GET', '/metrics')).text);
    return m ? Number(m[1]) : 0;
  }

  /** Polls until the number of open watches on kind satisfies pred. */
  async function untilWatchers(kind: string, pred: (n: number) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!pred(await watchers(kind))) {
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${kind} watchers: ${await watchers(kind)})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  before(async () => { c = await startKubectlCluster(bin); });
  after(async () => { await c?.close(); });

  // --- apply -------------------------------------------------------------------------------

  test(`kubectl ${version}: apply -f creates a namespace, ConfigMap, Service, ReplicationController and Deployment`, async () => {
    const file = c.file('app-v1.yaml', appManifest('shop', { color: 'blue', image: 'nginx:1.25', sidecar: true }));
    const r = ok(await k('apply', '-f', file));
    for (const line of ['namespace/shop created', 'configmap/settings created', 'service/web created',
      'replicationcontroller/web-rc created', 'deployment.apps/web created']) {
      assert.match(r.stdout, new RegExp(`^${line.replace('.', '\\.')}$`, 'm'));
    }
    const ns = await c.stored('/registry/core/namespaces/shop');
    assert.equal(ns.status.phase, 'Active');
    const cm = await c.stored('/registry/core/configmaps/shop/settings');
    assert.deepEqual(cm.data, { color: 'blue' });
    assert.match(cm.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], /"color":"blue"/);
    const svc = await c.stored('/registry/core/services/shop/web');
    assert.match(svc.spec.clusterIP, /^10\.\d+\.\d+\.\d+$/);
    assert.deepEqual(svc.spec.ports, [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }]);
    const rc = await c.stored('/registry/core/replicationcontrollers/shop/web-rc');
    assert.equal(rc.spec.replicas, 2);
    const dep = await c.stored('/registry/apps/deployments/shop/web');
    assert.deepEqual(dep.spec.template.spec.containers.map((x: any) => x.name), ['main', 'sidecar']);
    assert.equal(dep.metadata.generation, 1);
  });

  test(`kubectl ${version}: apply -f again changes a field and the strategic merge removes the dropped container`, async () => {
    const file = c.file('app-v2.yaml', appManifest('shop', { color: 'green', image: 'nginx:1.26', sidecar: false }));
    const r = ok(await k('apply', '-f', file));
    assert.match(r.stdout, /^namespace\/shop unchanged$/m);
    assert.match(r.stdout, /^configmap\/settings configured$/m);
    assert.match(r.stdout, /^service\/web unchanged$/m);
    assert.match(r.stdout, /^deployment\.apps\/web configured$/m);
    const cm = await c.stored('/registry/core/configmaps/shop/settings');
    assert.deepEqual(cm.data, { color: 'green' });
    const dep = (await c.api('GET', '/apis/apps/v1/namespaces/shop/deployments/web')).json;
    const containers = dep.spec.template.spec.containers;
    assert.deepEqual(containers.map((x: any) => [x.name, x.image]), [['main', 'nginx:1.26']], 'the sidecar must be gone');
    assert.equal(dep.metadata.generation, 2);
    const rc = (await c.api('GET', '/api/v1/namespaces/shop/replicationcontrollers/web-rc')).json;
    assert.equal(rc.spec.template.spec.containers[0].image, 'nginx:1.26');
  });

  test(`kubectl ${version}: apply --server-side records managedFields and refuses a conflict unless --force-conflicts`, async () => {
    const v1 = c.file('ssa-1.yaml', configMapManifest('default', 'ssa', { key: 'one', other: 'x' }));
    const v2 = c.file('ssa-2.yaml', configMapManifest('default', 'ssa', { key: 'two' }));
    const r = ok(await k('apply', '--server-side', '-f', v1));
    assert.match(r.stdout, /^configmap\/ssa serverside-applied$/m);
    let cm = (await c.api('GET', '/api/v1/namespaces/default/configmaps/ssa')).json;
    const mine = cm.metadata.managedFields.find((m: any) => m.manager === 'kubectl');
    assert.equal(mine?.operation, 'Apply');
    assert.ok(mine.fieldsV1['f:data']['f:key'], JSON.stringify(mine));

    const conflict = await k('apply', '--server-side', '--field-manager=other', '-f', v2);
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.data\.key/);
    assert.match(conflict.stderr, /--force-conflicts/);
    cm = (await c.api('GET', '/api/v1/namespaces/default/configmaps/ssa')).json;
    assert.equal(cm.data.key, 'one', 'a refused apply changes nothing');

    ok(await k('apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', v2));
    cm = (await c.api('GET', '/api/v1/namespaces/default/configmaps/ssa')).json;
    assert.equal(cm.data.key, 'two');
    assert.equal(cm.data.other, 'x', 'fields still owned by kubectl stay');
    const other = cm.metadata.managedFields.find((m: any) => m.manager === 'other');
    assert.ok(other?.fieldsV1['f:data']['f:key']);
    const kubectlNow = cm.metadata.managedFields.find((m: any) => m.manager === 'kubectl');
    assert.equal(kubectlNow?.fieldsV1['f:data']['f:key'], undefined, 'the forced field changed owner');
  });

  test(`kubectl ${version}: apply refuses unknown fields by default, --validate=warn stores with a warning, --dry-run=server stores nothing`, async () => {
    const unknown = c.file('unknown.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: typo\n  namespace: default\nspec:\n  containers:\n  - name: main\n    image: nginx\n    imagePullPolice: Always\n');
    const strict = await k('apply', '-f', unknown);
    assert.equal(strict.code, 1);
    assert.equal(strict.stderr.trim(), `Error from server (BadRequest): error when creating "${unknown}": strict decoding error: unknown field "spec.containers[0].imagePullPolice"`);
    assert.equal(await c.stored('/registry/core/pods/default/typo'), null);
    const warn = ok(await k('apply', '--validate=warn', '-f', unknown));
    assert.match(warn.stderr, /^Warning: unknown field "spec\.containers\[0\]\.imagePullPolice"$/m);
    const pod = await c.stored('/registry/core/pods/default/typo');
    assert.equal(pod.spec.containers[0].imagePullPolice, undefined, 'the unknown field is dropped');
    assert.equal(pod.spec.containers[0].imagePullPolicy, 'Always', 'defaulted for nginx (latest)');

    const dry = c.file('dry.yaml', configMapManifest('default', 'dry', { a: 'b' }));
    const d = ok(await k('apply', '--dry-run=server', '-f', dry));
    assert.match(d.stdout, /^configmap\/dry created \(server dry run\)$/m);
    assert.equal(await c.stored('/registry/core/configmaps/default/dry'), null);
  });

  test(`kubectl ${version}: patch applies strategic merge, JSON merge and JSON patches`, async () => {
    const sm = ok(await k('patch', 'deployment', 'web', '-n', 'shop', '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"helper","image":"busybox:1.36"}]}}}}'));
    assert.match(sm.stdout, /^deployment\.apps\/web patched$/m);
    let dep = await c.stored('/registry/apps/deployments/shop/web');
    assert.deepEqual(dep.spec.template.spec.containers.map((x: any) => x.name), ['helper', 'main'], 'merged by name, not replaced');
    ok(await k('patch', 'deployment', 'web', '-n', 'shop', '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"helper","$patch":"delete"}]}}}}'));
    dep = await c.stored('/registry/apps/deployments/shop/web');
    assert.deepEqual(dep.spec.template.spec.containers.map((x: any) => x.name), ['main']);
    ok(await k('patch', 'configmap', 'settings', '-n', 'shop', '--type=merge', '-p', '{"data":{"size":"L"}}'));
    ok(await k('patch', 'configmap', 'settings', '-n', 'shop', '--type=json', '-p', '[{"op":"replace","path":"/data/size","value":"XL"}]'));
    assert.deepEqual((await c.stored('/registry/core/configmaps/shop/settings')).data, { color: 'green', size: 'XL' });
    const bad = await k('patch', 'configmap', 'settings', '-n', 'shop', '--type=json', '-p', '[{"op":"test","path":"/data/size","value":"S"}]');
    assert.equal(bad.code, 1);
    // kube-apiserver answers a failed `test` op with NewGenericServerResponse(422): a fixed sentence.
    assert.equal(bad.stderr.trim(), 'The request is invalid: the server rejected our request due to an error in our request');
    assert.equal((await c.stored('/registry/core/configmaps/shop/settings')).data.size, 'XL');
  });

  // --- get ---------------------------------------------------------------------------------

  test(`kubectl ${version}: get --chunk-size pages through the server's continue tokens`, async () => {
    ok(await k('create', 'namespace', 'pages'));
    for (let i = 1; i <= 5; i++) {
      const res = await c.api('POST', '/api/v1/namespaces/pages/configmaps', { metadata: { name: `p${i}` } });
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
    const s = ok(await k('get', 'svc', 'web', '-n', 'shop', '-o', 'wide'));
    assert.deepEqual(rows(s.stdout)[0], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
    const svc = (await c.api('GET', '/api/v1/namespaces/shop/services/web')).json;
    assert.deepEqual(rows(s.stdout)[1]!.slice(0, 5), ['web', 'ClusterIP', svc.spec.clusterIP, '<none>', '80/TCP']);
    const rc = ok(await k('get', 'rc', '-n', 'shop'));
    assert.deepEqual(rows(rc.stdout)[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    assert.deepEqual(rows(rc.stdout)[1]!.slice(0, 4), ['web-rc', '2', '0', '0']);
    const empty = ok(await k('get', 'pods', '-n', 'shop'));
    assert.equal(empty.stdout, '');
    assert.match(empty.stderr, /No resources found in shop namespace\./);
  });

  test(`kubectl ${version}: get prints Kubernetes' columns for nodes, replicasets, daemonsets, leases and priorityclasses`, async () => {
    const created = await Promise.all([
      c.api('POST', '/api/v1/nodes', {
        metadata: { name: 'n1', labels: { 'node-role.kubernetes.io/control-plane': '' } },
        status: {
          nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.0' },
          addresses: [{ type: 'InternalIP', address: '10.0.0.1' }], conditions: [{ type: 'Ready', status: 'True' }],
        },
      }),
      c.api('POST', '/apis/apps/v1/namespaces/shop/replicasets', {
        metadata: { name: 'rs1' },
        spec: { replicas: 2, selector: { matchLabels: { a: 'rs' } }, template: { metadata: { labels: { a: 'rs' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      }),
      c.api('POST', '/apis/apps/v1/namespaces/shop/daemonsets', {
        metadata: { name: 'ds1' },
        spec: { selector: { matchLabels: { a: 'ds' } }, template: { metadata: { labels: { a: 'ds' } }, spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'c', image: 'nginx' }] } } },
      }),
      c.api('POST', '/apis/coordination.k8s.io/v1/namespaces/shop/leases', { metadata: { name: 'l1' }, spec: { holderIdentity: 'me' } }),
      c.api('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', { metadata: { name: 'pc1' }, value: 100 }),
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
    const stored = (await c.api('GET', '/api/v1/namespaces/shop/configmaps/settings')).json;
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
      const res = await c.api('POST', '/api/v1/namespaces/sel/configmaps', { metadata: { name, labels: { tier, app: 'sel' } } });
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
      const res = await c.api('POST', '/api/v1/namespaces/sel/configmaps', { metadata: { name, labels: { sort: 'yes', order } } });
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
    const res = await c.api('POST', '/api/v1/namespaces/sel/configmaps', { metadata: { name: 'watched' }, data: { a: '1' } });
    assert.equal(res.status, 201, res.text);
    const w = c.spawn(['get', 'configmap', 'watched', '-n', 'sel', '-w']);
    try {
      await w.waitForLine(/^watched\s+1\s/);
      const p = await c.api('PATCH', '/api/v1/namespaces/sel/configmaps/watched', { data: { b: '2', c: '3' } }, { 'Content-Type': 'application/merge-patch+json' });
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
    const pod = await c.api('POST', '/api/v1/namespaces/sel/pods', { metadata: { name: 'evpod' }, spec: { containers: [{ name: 'main', image: 'nginx' }] } });
    assert.equal(pod.status, 201, pod.text);
    const at = new Date(Date.now() - 120_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const ev = await c.api('POST', '/api/v1/namespaces/sel/events', {
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

  // --- describe, label, annotate, scale ----------------------------------------------------

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
    const svc = (await c.api('GET', '/api/v1/namespaces/shop/services/web')).json;
    const s = ok(await k('describe', 'svc', 'web', '-n', 'shop'));
    assert.match(s.stdout, new RegExp(`^IP:\\s+${svc.spec.clusterIP.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(s.stdout, /^Port:\s+http\s+80\/TCP$/m);
    assert.match(s.stdout, /^TargetPort:\s+8080\/TCP$/m);
  });

  test(`kubectl ${version}: label and annotate patch the object and refuse to overwrite without --overwrite`, async () => {
    const l = ok(await k('label', 'configmap', 'settings', '-n', 'shop', 'tier=front'));
    assert.match(l.stdout, /^configmap\/settings labeled$/m);
    let cm = await c.stored('/registry/core/configmaps/shop/settings');
    assert.deepEqual(cm.metadata.labels, { app: 'web', tier: 'front' });
    assert.ok(cm.metadata.managedFields.some((m: any) => m.manager === 'kubectl-label'));
    const again = await k('label', 'configmap', 'settings', '-n', 'shop', 'tier=back');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /'tier' already has a value \(front\), and --overwrite is false/);
    ok(await k('label', 'configmap', 'settings', '-n', 'shop', 'tier=back', '--overwrite'));
    assert.equal((await c.stored('/registry/core/configmaps/shop/settings')).metadata.labels.tier, 'back');
    ok(await k('label', 'configmap', 'settings', '-n', 'shop', 'tier-'));
    assert.deepEqual((await c.stored('/registry/core/configmaps/shop/settings')).metadata.labels, { app: 'web' });

    const a = ok(await k('annotate', 'configmap', 'settings', '-n', 'shop', 'owner=team-a', 'note=hello world'));
    assert.match(a.stdout, /^configmap\/settings annotated?$/m);
    cm = await c.stored('/registry/core/configmaps/shop/settings');
    assert.equal(cm.metadata.annotations.owner, 'team-a');
    assert.equal(cm.metadata.annotations.note, 'hello world');
    assert.ok(cm.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], 'other annotations are kept');
    const rv = (await c.api('GET', '/api/v1/namespaces/shop/configmaps/settings')).json.metadata.resourceVersion;
    const stale = await k('annotate', 'configmap', 'settings', '-n', 'shop', 'owner=team-b', '--overwrite', `--resource-version=${Number(rv) - 1}`);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /Error from server \(Conflict\): Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again/);
    assert.equal((await c.stored('/registry/core/configmaps/shop/settings')).metadata.annotations.owner, 'team-a');
  });

  test(`kubectl ${version}: scale rc --replicas writes spec.replicas through the scale subresource`, async () => {
    const r = ok(await k('scale', 'rc', 'web-rc', '-n', 'shop', '--replicas=5'));
    assert.match(r.stdout, /^replicationcontroller\/web-rc scaled$/m);
    const rc = await c.stored('/registry/core/replicationcontrollers/shop/web-rc');
    assert.equal(rc.spec.replicas, 5);
    const scale = (await c.api('GET', '/api/v1/namespaces/shop/replicationcontrollers/web-rc/scale')).json;
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.spec.replicas, 5);
    assert.equal(scale.status.selector, 'app=web-rc');
    const wrong = await k('scale', 'rc', 'web-rc', '-n', 'shop', '--current-replicas=2', '--replicas=1');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /Expected replicas to be 2, was 5/);
    ok(await k('scale', 'rc', 'web-rc', '-n', 'shop', '--current-replicas=5', '--replicas=3'));
    assert.equal((await c.stored('/registry/core/replicationcontrollers/shop/web-rc')).spec.replicas, 3);
    ok(await k('scale', 'deployment', 'web', '-n', 'shop', '--replicas=4'));
    assert.equal((await c.stored('/registry/apps/deployments/shop/web')).spec.replicas, 4);
  });

  // --- create and run ----------------------------------------------------------------------

  test(`kubectl ${version}: create namespace, deployment, configmap, secret and service store what was asked`, async () => {
    assert.match(ok(await k('create', 'namespace', 'made')).stdout, /^namespace\/made created$/m);
    const ns = await c.stored('/registry/core/namespaces/made');
    assert.equal(ns.status.phase, 'Active');
    assert.equal(ns.metadata.labels['kubernetes.io/metadata.name'], 'made');

    assert.match(ok(await k('create', 'deployment', 'd1', '-n', 'made', '--image=nginx:1.27', '--replicas=2', '--port=80')).stdout, /^deployment\.apps\/d1 created$/m);
    const d = await c.stored('/registry/apps/deployments/made/d1');
    assert.equal(d.spec.replicas, 2);
    assert.deepEqual(d.spec.selector, { matchLabels: { app: 'd1' } });
    assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.27');
    assert.equal(d.spec.template.spec.containers[0].ports[0].containerPort, 80);
    assert.equal(d.spec.strategy.type, 'RollingUpdate', 'defaults are applied');

    assert.match(ok(await k('create', 'configmap', 'c1', '-n', 'made', '--from-literal=a=1', '--from-literal=greeting=hello world')).stdout, /^configmap\/c1 created$/m);
    assert.deepEqual((await c.stored('/registry/core/configmaps/made/c1')).data, { a: '1', greeting: 'hello world' });

    assert.match(ok(await k('create', 'secret', 'generic', 's1', '-n', 'made', '--from-literal=password=hunter2')).stdout, /^secret\/s1 created$/m);
    const s = await c.stored('/registry/core/secrets/made/s1');
    assert.equal(s.type, 'Opaque');
    assert.equal(Buffer.from(s.data.password, 'base64').toString(), 'hunter2');

    assert.match(ok(await k('create', 'service', 'clusterip', 'svc1', '-n', 'made', '--tcp=80:8080')).stdout, /^service\/svc1 created$/m);
    const svc = await c.stored('/registry/core/services/made/svc1');
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
    const pod = await c.stored('/registry/core/pods/made/p1');
    assert.deepEqual(pod.metadata.labels, { app: 'p1', tier: 'x' });
    assert.equal(pod.spec.containers[0].image, 'busybox:1.36');
    assert.deepEqual(pod.spec.containers[0].args, ['sleep', '60']);
    assert.equal(pod.spec.restartPolicy, 'Always');
    assert.equal(pod.spec.dnsPolicy, 'ClusterFirst');
    assert.equal(pod.spec.terminationGracePeriodSeconds, 30);
    assert.equal(pod.status.phase, 'Pending');
    ok(await k('run', 'p2', '-n', 'made', '--image=nginx', '--restart=Never'));
    const p2 = await c.stored('/registry/core/pods/made/p2');
    assert.deepEqual(p2.metadata.labels, { run: 'p2' });
    assert.equal(p2.spec.restartPolicy, 'Never');
    const t = rows(ok(await k('get', 'pods', '-n', 'made', '-o', 'wide')).stdout);
    assert.deepEqual(t[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    assert.deepEqual(t[1]!.slice(0, 4), ['p1', '0/1', 'Pending', '0']);
    assert.deepEqual(t[1]!.slice(5), ['<none>', '<none>', '<none>', '<none>']);
  });

  // --- delete and wait ---------------------------------------------------------------------

  test(`kubectl ${version}: delete removes the object; --cascade=orphan and foreground leave it to the garbage collector`, async () => {
    const r = ok(await k('delete', 'configmap', 'c1', '-n', 'made'));
    assert.match(r.stdout, /^configmap "c1" deleted$/m);
    assert.equal(await c.stored('/registry/core/configmaps/made/c1'), null);

    // No garbage collector runs here: the orphan finalizer must stay on the object.
    const o = ok(await k('delete', 'deployment', 'd1', '-n', 'made', '--cascade=orphan', '--wait=false'));
    assert.match(o.stdout, /^deployment\.apps "d1" deleted$/m);
    const d = await c.stored('/registry/apps/deployments/made/d1');
    assert.deepEqual(d.metadata.finalizers, ['orphan']);
    assert.ok(d.metadata.deletionTimestamp);
    assert.equal(d.metadata.deletionGracePeriodSeconds, 0);

    ok(await k('delete', 'rc', 'web-rc', '-n', 'shop', '--cascade=foreground', '--wait=false'));
    const rc = await c.stored('/registry/core/replicationcontrollers/shop/web-rc');
    assert.deepEqual(rc.metadata.finalizers, ['foregroundDeletion']);
    assert.ok(rc.metadata.deletionTimestamp);

    const gone = await k('delete', 'pod', 'nope', '-n', 'made');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^Error from server \(NotFound\): pods "nope" not found$/m);
    assert.equal(ok(await k('delete', 'pod', 'nope', '-n', 'made', '--ignore-not-found')).stdout, '');
  });

  test(`kubectl ${version}: wait --for=delete returns once the object is deleted`, async () => {
    const cm = await c.api('POST', '/api/v1/namespaces/made/configmaps', { metadata: { name: 'doomed' } });
    assert.equal(cm.status, 201, cm.text);
    // Nothing else watches ConfigMaps here once earlier kubectl watches are gone: then a new watch
    // is kubectl's, and the delete below reaches it as a DELETED event rather than a 404 on its GET.
    await untilWatchers('ConfigMap', (n) => n === 0, 'earlier ConfigMap watches to close');
    const w = c.spawn(['wait', '--for=delete', 'configmap/doomed', '-n', 'made', '--timeout=30s']);
    try {
      await untilWatchers('ConfigMap', (n) => n > 0, "kubectl wait's watch");
      assert.equal(w.stdout(), '', 'still waiting while the object exists');
      assert.equal((await c.api('DELETE', '/api/v1/namespaces/made/configmaps/doomed')).status, 200);
      await w.waitForLine(/^configmap\/doomed condition met$/);
    } finally {
      await w.stop();
    }
    // An unscheduled pod is deleted at once, so kubectl's own delete-and-wait completes too.
    ok(await k('run', 'short', '-n', 'made', '--image=nginx'));
    const d = ok(await k('delete', 'pod', 'short', '-n', 'made', '--timeout=20s'));
    assert.match(d.stdout, /^pod "short" deleted$/m);
    assert.equal(await c.stored('/registry/core/pods/made/short'), null);
    const done = ok(await k('wait', '--for=delete', 'pod/short', '-n', 'made', '--timeout=5s'));
    assert.equal(done.stderr, '');
  });

  // --- discovery and documents -------------------------------------------------------------

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
  });

  test(`kubectl ${version}: cluster-info and version report the server`, async () => {
    const ci = ok(await k('cluster-info'));
    assert.match(plain(ci.stdout), new RegExp(`^Kubernetes control plane is running at ${c.base.replace(/\./g, '\\.')}$`, 'm'));
    const v = JSON.parse(ok(await k('version', '-o', 'json')).stdout);
    assert.equal(v.serverVersion.major, '1');
    assert.equal(v.serverVersion.minor, '32');
    assert.match(v.serverVersion.gitVersion, /^v1\.32\.\d+/);
    // gcloud's dispatcher reports its own build as minor "32+".
    assert.match(v.clientVersion.minor, new RegExp(`^${version.split('.')[1]}\\+?$`));
    const text = ok(await k('version'));
    assert.match(text.stdout, /Server Version: (v1\.32\.\d+|version\.Info\{Major:"1", Minor:"32")/);
  });

  // --- errors print what Kubernetes prints -------------------------------------------------

  test(`kubectl ${version}: errors print Kubernetes' NotFound, AlreadyExists and Invalid messages and exit 1`, async () => {
    const nf = await k('get', 'pod', 'nope');
    assert.equal(nf.code, 1);
    assert.equal(nf.stderr.trim(), 'Error from server (NotFound): pods "nope" not found');
    // The server answers `configmaps "x" not found`; kubectl then looks the namespace up itself.
    const direct = await c.api('GET', '/api/v1/namespaces/nowhere/configmaps/x');
    assert.equal(direct.status, 404);
    assert.equal(direct.json.message, 'configmaps "x" not found');
    const nfNs = await k('get', 'configmaps', '-n', 'nowhere', 'x');
    assert.equal(nfNs.code, 1);
    assert.equal(nfNs.stderr.trim(), 'Error from server (NotFound): namespaces "nowhere" not found');

    const ae = await k('create', 'namespace', 'made');
    assert.equal(ae.code, 1);
    assert.equal(ae.stderr.trim(), 'Error from server (AlreadyExists): namespaces "made" already exists');
    const cmFile = c.file('dup.yaml', configMapManifest('made', 'dup', { a: 'b' }));
    ok(await k('create', '-f', cmFile));
    const dup = await k('create', '-f', cmFile);
    assert.equal(dup.code, 1);
    assert.equal(dup.stderr.trim(), `Error from server (AlreadyExists): error when creating "${cmFile}": configmaps "dup" already exists`);

    const one = c.file('invalid-one.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  namespace: made\nspec:\n  containers:\n  - name: main\n');
    const inv = await k('create', '-f', one);
    assert.equal(inv.code, 1);
    assert.equal(inv.stderr.trim(), 'The Pod "x" is invalid: spec.containers[0].image: Required value');
    assert.equal(await c.stored('/registry/core/pods/made/x'), null, 'nothing is stored');

    const many = c.file('invalid-many.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\n  namespace: made\nspec:\n  restartPolicy: Sometimes\n  containers:\n  - name: main\n');
    const inv2 = await k('apply', '-f', many);
    assert.equal(inv2.code, 1);
    const lines = inv2.stderr.trim().split('\n');
    assert.equal(lines[0], 'The Pod "Bad_Name" is invalid: ');
    assert.match(lines[1]!, /^\* metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/);
    assert.equal(lines[2], '* spec.containers[0].image: Required value');
    assert.equal(lines[3], '* spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"');

    const unknown = await k('get', 'foos');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr.trim(), 'error: the server doesn\'t have a resource type "foos"');
  });
}

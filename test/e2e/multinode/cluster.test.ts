// Three machines (network namespaces on one switch), one cluster: `k8ts server` on the first,
// `k8ts agent` on the others, driven with the real kubectl. Pods spread over the nodes and reach
// each other across machines by pod IP (routes, no NAT), Services and NodePorts reach backends on
// every node, and a dead node's pods are recreated on the others, then the node rejoins cleanly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, run, K8TS, type Cluster } from './machines.js';

let c: Cluster;
before(async () => {
  c = await startCluster({ name: 'mn', agents: 2, serverArgs: ['--node-monitor-grace-period', '8s', '--node-lease-duration-seconds', '4'], agentArgs: ['--node-lease-duration-seconds', '4'] });
}, { timeout: 300_000 });
after(async () => { await c?.close(); }, { timeout: 300_000 });

interface PodView { metadata: { name: string; uid: string }; spec: { nodeName?: string }; status: { phase?: string; podIP?: string; containerStatuses?: { ready: boolean }[] } }

const MANIFEST = `
apiVersion: v1
kind: ReplicationController
metadata: { name: web }
spec:
  replicas: 6
  selector: { app: web }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 1
      # Short eviction after the node is lost (the default is 300 s).
      tolerations:
      - { key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2 }
      - { key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 2 }
      containers:
      - name: httpd
        image: k8ts.local/busybox:1
        imagePullPolicy: Never
        command: ["sh", "-c", "echo hello from $(hostname) > /tmp/index.html && exec httpd -f -p 8080 -h /tmp"]
        ports: [{ containerPort: 8080, name: http }]
        readinessProbe: { tcpSocket: { port: http }, periodSeconds: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  type: NodePort
  selector: { app: web }
  ports: [{ port: 80, targetPort: http }]
`;

async function pods(): Promise<PodView[]> {
  return (JSON.parse(await c.kubectl('get', 'pods', '-l', 'app=web', '-o', 'json')) as { items: PodView[] }).items;
}
const ready = (ps: PodView[]) => ps.filter((p) => p.status.phase === 'Running' && p.status.podIP && p.status.containerStatuses?.every((s) => s.ready));

/** An HTTP GET with busybox nc from inside a pod (busybox wget crashes here). */
async function fromPod(pod: string, host: string, port: number): Promise<string> {
  const out = await c.kubectl('exec', pod, '--', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${host} ${port}`);
  return out.split('\r\n\r\n')[1]?.trim() ?? '';
}

/** An HTTP GET from a machine's own network namespace. */
async function fromMachine(inNetns: (cmd: string, args: string[]) => readonly [string, string[]], url: string): Promise<string> {
  const [cmd, argv] = inNetns('curl', ['-sS', '--max-time', '3', url]);
  return (await run(cmd, argv, { timeout: 10_000 })).stdout.trim();
}

test('every machine joins and its node becomes Ready', async () => {
  const names = [c.server.name, ...c.agents.map((a) => a.name)];
  await c.until('3 Ready nodes', 60_000, async () => {
    const nodes = JSON.parse(await c.kubectl('get', 'nodes', '-o', 'json')) as { items: { metadata: { name: string }; status: { conditions?: { type: string; status: string }[] } }[] };
    const readyNames = nodes.items.filter((n) => n.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).map((n) => n.metadata.name);
    return names.every((n) => readyNames.includes(n));
  });
  // Each got its own pod subnet from node IPAM.
  const cidrs = (await c.kubectl('get', 'nodes', '-o', 'jsonpath={.items[*].spec.podCIDR}')).split(' ').filter(Boolean);
  assert.equal(new Set(cidrs).size, 3, `distinct pod subnets: ${cidrs.join(' ')}`);
});

test('an RC of 6 spreads over the three nodes', async () => {
  await run(...c.server.inNetns('sh', ['-c', `cat <<'EOF' | /usr/bin/kubectl --kubeconfig ${c.kubeconfig} apply -f -\n${MANIFEST}\nEOF`]) as [string, string[]], { timeout: 60_000 });
  const ps = await c.until('6 ready pods', 120_000, async () => { const r = ready(await pods()); return r.length === 6 && r; });
  const perNode = new Map<string, number>();
  for (const p of ps) perNode.set(p.spec.nodeName!, (perNode.get(p.spec.nodeName!) ?? 0) + 1);
  assert.equal(perNode.size, 3, `pods per node: ${JSON.stringify([...perNode])}`);
});

test('pods reach pods on other nodes by pod IP, and every machine reaches every pod', async () => {
  const ps = ready(await pods());
  const byNode = new Map<string, PodView>();
  for (const p of ps) byNode.set(p.spec.nodeName!, p);
  const list = [...byNode.values()];
  assert.equal(list.length, 3, 'a ready pod on every node');
  for (const from of list) {
    for (const to of list) {
      if (from === to) continue;
      assert.equal(await fromPod(from.metadata.name, to.status.podIP!, 8080), `hello from ${to.metadata.name}`,
        `${from.metadata.name} (${from.spec.nodeName}) -> ${to.metadata.name} (${to.spec.nodeName})`);
    }
  }
  for (const m of [c.server, ...c.agents]) {
    for (const to of list) assert.equal(await fromMachine(m.inNetns, `http://${to.status.podIP}:8080/`), `hello from ${to.metadata.name}`);
  }
});

test('a Service reaches backends on every node, by ClusterIP from a pod and by NodePort on each machine', async () => {
  const svc = JSON.parse(await c.kubectl('get', 'svc', 'web', '-o', 'json')) as { spec: { clusterIP: string; ports: { nodePort: number }[] } };
  const ps = ready(await pods());
  assert.equal(ps.length, 6);
  const nodeOf = new Map(ps.map((p) => [p.metadata.name, p.spec.nodeName!]));
  const client = ps[0]!.metadata.name;
  const nodesSeen = await c.until('answers from pods on all 3 nodes through the ClusterIP', 30_000, async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const who = (await fromPod(client, svc.spec.clusterIP, 80)).replace('hello from ', '');
      if (nodeOf.has(who)) seen.add(nodeOf.get(who)!);
    }
    return seen.size === 3 && seen;
  });
  assert.equal(nodesSeen.size, 3);
  const port = svc.spec.ports[0]!.nodePort;
  for (const m of [c.server, ...c.agents]) {
    const answer = await fromMachine(c.server.inNetns, `http://${m.ip}:${port}/`);
    assert.match(answer, /^hello from web-/, `NodePort on ${m.name}`);
  }
});

test('a pod on an agent reaches the Service by its DNS name, through cluster DNS on the server', async () => {
  const ps = ready(await pods());
  const onAgent = ps.find((p) => p.spec.nodeName === c.agents[0]!.name)!;
  const nodeOf = new Map(ps.map((p) => [p.metadata.name, p.spec.nodeName!]));
  const seen = await c.until('answers by name from backends on several nodes', 30_000, async () => {
    const nodes = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const who = (await fromPod(onAgent.metadata.name, 'web.default.svc.cluster.local', 80)).replace('hello from ', '');
      if (nodeOf.has(who)) nodes.add(nodeOf.get(who)!);
    }
    return nodes.size >= 2 && nodes;
  });
  assert.ok(seen.size >= 2);
});

test('an agent with a wrong join token is refused with a clear message and sets nothing up', async () => {
  const m = c.agents[0]!;
  const [cmd, argv] = m.inNetns(process.execPath, [K8TS, 'agent', '--server', c.apiURL, '--token', 'abcdef.0000000000000000',
    ...(c.apiURL.startsWith('https:') ? ['--ca-file', join(c.server.dataDir, 'server', 'tls', 'ca.crt')] : []),
    '--node-name', 'intruder', '--data-dir', join(c.dir, 'intruder'), '--cgroup-root', '/k8ts-intruder']);
  const r = await run(cmd, argv, { timeout: 60_000 }).then(() => ({ code: 0, stderr: '' }), (e: { code?: number; stderr?: string }) => ({ code: e.code ?? -1, stderr: e.stderr ?? '' }));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /refused the join token \(401 Unauthorized\): check --token/);
  const nodes = await c.kubectl('get', 'nodes', '-o', 'name');
  assert.ok(!nodes.includes('intruder'));
});

test('a killed node: its pods are recreated on the others; when it returns it removes the replaced pods', async () => {
  const victim = c.agents[1]!;
  const before = ready(await pods());
  const lost = before.filter((p) => p.spec.nodeName === victim.name).map((p) => p.metadata.name);
  assert.ok(lost.length > 0, 'the victim runs some pods');
  await victim.kill();
  await c.setLink(victim, false);
  // After the grace period: the node's Ready condition is Unknown, its pods are not ready and no
  // longer ready endpoints of the Service.
  await c.until(`${victim.name} Ready=Unknown`, 60_000, async () => {
    const n = JSON.parse(await c.kubectl('get', 'node', victim.name, '-o', 'json')) as { status: { conditions?: { type: string; status: string }[] } };
    return n.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'Unknown');
  });
  await c.until('the lost pods marked not ready', 30_000, async () => {
    const mine = (JSON.parse(await c.kubectl('get', 'pods', '-l', 'app=web', '-o', 'json')) as { items: (PodView & { status: { conditions?: { type: string; status: string }[] } })[] }).items
      .filter((p) => lost.includes(p.metadata.name));
    return mine.length > 0 && mine.every((p) => p.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'False'));
  });
  await c.until('no ready endpoint left on the lost node', 30_000, async () => {
    const slices = JSON.parse(await c.kubectl('get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'json')) as
      { items: { endpoints?: { nodeName?: string; conditions?: { ready?: boolean } }[] }[] };
    return slices.items.every((sl) => (sl.endpoints ?? []).every((e) => e.nodeName !== victim.name || e.conditions?.ready === false));
  });
  const replaced = await c.until('6 ready pods on the other two nodes', 120_000, async () => {
    const r = ready(await pods()).filter((p) => p.spec.nodeName !== victim.name);
    return r.length === 6 && r;
  });
  assert.ok(replaced.every((p) => !lost.includes(p.metadata.name)));
  // Traffic continues: every request through the Service is answered, by the pods that replaced them.
  const svcIP = (await c.kubectl('get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}')).trim();
  const client = replaced.find((p) => p.spec.nodeName === c.server.name) ?? replaced[0]!;
  await c.until('the Service to answer only from live pods', 30_000, async () => {
    for (let i = 0; i < 12; i++) {
      const who = (await fromPod(client.metadata.name, svcIP, 80)).replace('hello from ', '');
      if (!replaced.some((p) => p.metadata.name === who)) return false;
    }
    return true;
  });
  // The node is back: it rejoins and removes what ran there before (those pods were replaced).
  await c.setLink(victim, true);
  await c.startAgent(1);
  await c.until(`${victim.name} Ready again`, 60_000, async () => {
    const n = JSON.parse(await c.kubectl('get', 'node', victim.name, '-o', 'json')) as { status: { conditions?: { type: string; status: string }[] } };
    return n.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True');
  });
  const cg = `/sys/fs/cgroup${victim.cgroupRoot}`;
  await c.until('the returned node to remove the pods that were replaced', 60_000, async () => {
    const bound = (await pods()).filter((p) => p.spec.nodeName === victim.name).map((p) => p.metadata.uid);
    const dirs = existsSync(cg) ? readdirSync(cg).filter((d) => d.startsWith('pod')) : [];
    return dirs.every((d) => bound.some((uid) => d.includes(uid.replace(/-/g, '_')) || d.includes(uid)));
  });
  assert.equal(ready(await pods()).length >= 6, true);
});

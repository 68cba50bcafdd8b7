// The VXLAN backend, for nodes that are not on one link: the server's machine and the agent's sit
// on two subnets joined by a router (the switch namespace) that knows no pod subnet. Host routes
// to a pod subnet via the other node cannot work there; pods reach each other only because their
// traffic is encapsulated between the node addresses. Driven with the real kubectl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, run, type Cluster, type Machine } from './machines.js';

let c: Cluster;
before(async () => {
  c = await startCluster({ name: 'vx', agents: 1, backend: 'vxlan', routed: true });
}, { timeout: 300_000 });
after(async () => { await c?.close(); }, { timeout: 300_000 });

interface PodView { metadata: { name: string }; spec: { nodeName?: string }; status: { phase?: string; podIP?: string } }

const pod = (name: string, node: string) => `apiVersion: v1
kind: Pod
metadata: { name: ${name}, labels: { app: vx } }
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 0
  containers:
  - name: httpd
    image: k8ts.local/busybox:1
    imagePullPolicy: Never
    command: ["sh", "-c", "echo hello from ${name} > /tmp/index.html && exec httpd -f -p 8080 -h /tmp"]
`;

async function apply(manifest: string): Promise<void> {
  await run(...c.server.inNetns('sh', ['-c', `cat <<'EOF' | /usr/bin/kubectl --kubeconfig ${c.kubeconfig} apply -f -\n${manifest}\nEOF`]) as [string, string[]], { timeout: 60_000 });
}

async function runningPods(): Promise<PodView[]> {
  const ps = (JSON.parse(await c.kubectl('get', 'pods', '-l', 'app=vx', '-o', 'json')) as { items: PodView[] }).items;
  return ps.filter((p) => p.status.phase === 'Running' && p.status.podIP);
}

async function fromPod(name: string, host: string, port: number): Promise<string> {
  const out = await c.kubectl('exec', name, '--', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${host} ${port}`);
  return out.split('\r\n\r\n')[1]?.trim() ?? '';
}

async function routeTo(m: Machine, dst: string): Promise<string> {
  const [cmd, argv] = m.inNetns('ip', ['route', 'get', dst]);
  return (await run(cmd, argv, { timeout: 10_000 })).stdout;
}

test('both nodes join across the router and each routes the other pod subnet into the tunnel', async () => {
  assert.notEqual(c.server.ip.split('.').slice(0, 3).join('.'), c.agents[0]!.ip.split('.').slice(0, 3).join('.'), 'the machines are on two subnets');
  await c.until('2 Ready nodes', 90_000, async () =>
    (await c.kubectl('get', 'nodes', '--no-headers')).trim().split('\n').filter((l) => / Ready /.test(l)).length === 2);
  const nodes = JSON.parse(await c.kubectl('get', 'nodes', '-o', 'json')) as { items: { metadata: { name: string }; spec: { podCIDR: string } }[] };
  const cidrs = Object.fromEntries(nodes.items.map((n) => [n.metadata.name, n.spec.podCIDR]));
  const agentSubnet = cidrs[c.agents[0]!.name]!;
  const serverSubnet = cidrs[c.server.name]!;
  const hostIn = (cidr: string) => cidr.replace(/\.0\/\d+$/, '.77');
  await c.until('the agent subnet routed through k8ts.vxlan on the server', 60_000, async () => /dev k8ts\.vxlan/.test(await routeTo(c.server, hostIn(agentSubnet))));
  await c.until('the server subnet routed through k8ts.vxlan on the agent', 60_000, async () => /dev k8ts\.vxlan/.test(await routeTo(c.agents[0]!, hostIn(serverSubnet))));
});

test('pods on the two nodes reach each other by pod IP through the overlay, both ways', async () => {
  await apply([pod('vx-a', c.server.name), pod('vx-b', c.agents[0]!.name)].join('---\n'));
  const ps = await c.until('both pods running', 120_000, async () => { const r = await runningPods(); return r.length === 2 && r; });
  const a = ps.find((p) => p.metadata.name === 'vx-a')!;
  const b = ps.find((p) => p.metadata.name === 'vx-b')!;
  assert.equal(await c.until('vx-a -> vx-b', 30_000, async () => (await fromPod('vx-a', b.status.podIP!, 8080)) || null), 'hello from vx-b');
  assert.equal(await fromPod('vx-b', a.status.podIP!, 8080), 'hello from vx-a');
});

test('a Service reaches its backend on the other node through the overlay', async () => {
  await apply(`apiVersion: v1
kind: Service
metadata: { name: vx }
spec:
  selector: { app: vx }
  ports: [{ port: 80, targetPort: 8080 }]
`);
  const ip = (await c.kubectl('get', 'svc', 'vx', '-o', 'jsonpath={.spec.clusterIP}')).trim();
  const seen = await c.until('answers from both pods through the ClusterIP', 30_000, async () => {
    const s = new Set<string>();
    for (let i = 0; i < 16; i++) s.add(await fromPod('vx-a', ip, 80));
    return s.has('hello from vx-b') && s.has('hello from vx-a') && s;
  });
  assert.ok(seen.has('hello from vx-b'));
});

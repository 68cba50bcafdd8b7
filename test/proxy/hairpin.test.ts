// Hairpin: a pod reaching itself through its own Service. The pod lives in a second network
// namespace behind a veth; the "node" namespace forwards and runs the proxy's table. After DNAT the
// packet goes back to where it came from, so it must be masqueraded to the node's address, or the
// pod would answer itself directly and the client would never see a reply from the ClusterIP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type TestCluster } from '../client/cluster.js';
import { startProxy, type RunningProxy } from '../../src/proxy/index.js';
import { ENDPOINTSLICES, SERVICES } from '../../src/proxy/proxier.js';
import { createNetns, jsonLines, type TestNetns } from './netns.js';

const POD_IP = '10.244.5.1';
const NODE_IP = '10.244.5.254';
const CLUSTER_IP = '10.96.201.10';

// Answers each connection with the address it came from.
const SERVER = `require('node:net').createServer((s) => s.end(s.remoteAddress + '\\n')).listen(8080, '${POD_IP}', () => console.log('{"ready":true}'));`;
const CLIENT = `
const net = require('node:net');
const s = net.connect({ host: '${CLUSTER_IP}', port: 80 });
let data = '';
const t = setTimeout(() => { console.log(JSON.stringify({ error: 'TIMEOUT' })); process.exit(0); }, 2000);
s.on('data', (b) => (data += b));
s.on('end', () => { clearTimeout(t); console.log(JSON.stringify({ peer: data.trim() })); });
s.on('error', (e) => { clearTimeout(t); console.log(JSON.stringify({ error: e.code })); });
`;

let node: TestNetns;
let pod: TestNetns;
let cluster: TestCluster;
let proxy: RunningProxy | undefined;

before(async () => {
  node = await createNetns('k8ts-hpn');
  pod = await createNetns('k8ts-hpp');
  await node.ip('link', 'add', 'h0', 'type', 'veth', 'peer', 'name', 'h1');
  await node.ip('link', 'set', 'h1', 'netns', pod.name);
  await node.ip('addr', 'add', `${NODE_IP}/24`, 'dev', 'h0');
  await node.ip('link', 'set', 'h0', 'up');
  await node.exec('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
  await pod.ip('addr', 'add', `${POD_IP}/24`, 'dev', 'h1');
  await pod.ip('link', 'set', 'h1', 'up');
  await pod.ip('route', 'add', 'default', 'via', NODE_IP);
  assert.deepEqual(await jsonLines(pod.node(SERVER)).next(20_000), { ready: true });
  cluster = await startCluster();
  const client = cluster.client();
  await client.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'self', namespace: 'default' },
    spec: { clusterIP: CLUSTER_IP, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] } } as any);
  await client.create(ENDPOINTSLICES, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: 'self-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'self' } },
    addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: [{ addresses: [POD_IP], conditions: { ready: true }, nodeName: 'node-1' }] } as any);
  proxy = await startProxy({ client, nodeName: 'node-1', nodeIPs: [NODE_IP], netns: node.name, minSyncPeriodMs: 50 });
  assert.ok(await proxy.idle(20_000), 'first sync finished');
});

after(async () => {
  await proxy?.cleanup().catch(() => undefined);
  await cluster?.close().catch(() => undefined);
  await pod?.close();
  await node?.close();
});

test('a pod connecting to its own service reaches itself, masqueraded to the node address', async () => {
  const r = await jsonLines(pod.node(CLIENT)).next(10_000);
  assert.deepEqual(r, { peer: NODE_IP });
});

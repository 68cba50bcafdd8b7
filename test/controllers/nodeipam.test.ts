import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/resource.js';
import { startControllerManager } from '../../src/controllers/manager.js';
import { NODES } from '../../src/controllers/base/resources.js';
import { startCluster, eventually, type TestCluster } from '../client/cluster.js';

interface NodeObj extends KubeObject { spec?: { podCIDR?: string; podCIDRs?: string[] } }

let c: TestCluster | undefined;
after(async () => { await c?.close(); });

const mkNode = (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
const cidrOf = async (name: string) => (await c!.client().get<NodeObj>(NODES, name)).spec;

test('node IPAM gives each node the next free podCIDR, reuses a deleted node\'s, and survives a restart', async () => {
  c = await startCluster();
  const client = c.client();
  const start = () => startControllerManager({ client: c!.client(), controllers: ['nodeipam'], options: { clusterCIDR: '10.250.0.0/22', nodeCIDRMaskSize: 24 }, log: () => undefined });
  let m = await start();
  try {
    await client.create(NODES, mkNode('a'));
    await eventually(async () => !!(await cidrOf('a'))?.podCIDR, 'a allocated');
    await client.create(NODES, mkNode('b'));
    await eventually(async () => !!(await cidrOf('b'))?.podCIDR, 'b allocated');
    assert.deepEqual(await cidrOf('a'), { podCIDR: '10.250.0.0/24', podCIDRs: ['10.250.0.0/24'] });
    assert.deepEqual(await cidrOf('b'), { podCIDR: '10.250.1.0/24', podCIDRs: ['10.250.1.0/24'] });

    // A restarted allocator rebuilds from the nodes: no CIDR is given twice.
    await m.stop();
    m = await start();
    await client.create(NODES, mkNode('c'));
    await eventually(async () => !!(await cidrOf('c'))?.podCIDR, 'c allocated');
    assert.equal((await cidrOf('c'))!.podCIDR, '10.250.2.0/24');

    // Deleting a node frees its CIDR; the set has 4 subnets, so the 4th node and then the freed one are used.
    await client.create(NODES, mkNode('d'));
    await eventually(async () => !!(await cidrOf('d'))?.podCIDR, 'd allocated');
    assert.equal((await cidrOf('d'))!.podCIDR, '10.250.3.0/24');
    await client.delete(NODES, 'b');
    await client.create(NODES, mkNode('e'));
    await eventually(async () => !!(await cidrOf('e'))?.podCIDR, 'e gets the freed CIDR');
    assert.equal((await cidrOf('e'))!.podCIDR, '10.250.1.0/24');
    const all = (await client.list<NodeObj>(NODES)).items.map((n) => n.spec?.podCIDR);
    assert.equal(new Set(all).size, all.length, 'all distinct');
  } finally {
    await m.stop();
  }
});

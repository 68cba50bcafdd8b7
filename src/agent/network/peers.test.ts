import { test } from 'node:test';
import assert from 'node:assert/strict';
import { peersOf, vtepAddress, NODE_IP_ANNOTATION, VXLAN_MAC_ANNOTATION } from './peers.js';
import { syncRoutes, wantedRoutes, ROUTE_PROTO } from './routes.js';
import type { IpRunner } from './ip.js';

const node = (name: string, cidr?: string, ip?: string, ann: Record<string, string> = {}) => ({
  metadata: { name, annotations: ann },
  spec: cidr ? { podCIDR: cidr, podCIDRs: [cidr] } : {},
  status: { addresses: ip ? [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] : [] },
});

test('peers are the other nodes with a pod subnet and an address; the annotation wins over InternalIP', () => {
  const peers = peersOf([
    node('self', '10.244.0.0/24', '192.168.1.10'),
    node('b', '10.244.2.0/24', '192.168.1.12', { [VXLAN_MAC_ANNOTATION]: 'aa:bb:cc:dd:ee:02' }),
    node('a', '10.244.1.0/24', '192.168.1.11', { [NODE_IP_ANNOTATION]: '192.168.9.11' }),
    node('no-cidr', undefined, '192.168.1.13'),
    node('no-ip', '10.244.3.0/24'),
  ], 'self');
  assert.deepEqual(peers, [
    { name: 'a', podCIDR: '10.244.1.0/24', nodeIP: '192.168.9.11', vxlanMac: undefined },
    { name: 'b', podCIDR: '10.244.2.0/24', nodeIP: '192.168.1.12', vxlanMac: 'aa:bb:cc:dd:ee:02' },
  ]);
  assert.equal(vtepAddress('10.244.2.0/24'), '10.244.2.0');
});

test('route sync adds what is missing, replaces what moved, deletes what no node needs, and leaves the rest', async () => {
  // A recording runner standing in for iproute2: it answers the listing and notes every change.
  const calls: string[] = [];
  const ip: IpRunner = async (cmd, args) => {
    calls.push(`${cmd} ${args.join(' ')}`);
    if (args[0] === '-j') {
      return JSON.stringify([
        { dst: '10.244.1.0/24', gateway: '192.168.1.11', dev: 'eth0' },
        { dst: '10.244.2.0/24', gateway: '192.168.1.99', dev: 'eth0' },
        { dst: '10.244.7.0/24', gateway: '192.168.1.17', dev: 'eth0' },
      ]);
    }
    return '';
  };
  const r = await syncRoutes(ip, wantedRoutes([
    { name: 'a', podCIDR: '10.244.1.0/24', nodeIP: '192.168.1.11' },
    { name: 'b', podCIDR: '10.244.2.0/24', nodeIP: '192.168.1.12' },
    { name: 'c', podCIDR: '10.244.3.0/24', nodeIP: '192.168.1.13' },
  ]));
  assert.deepEqual(r, { added: 2, removed: 1 });
  assert.deepEqual(calls, [
    `ip -j route show proto ${ROUTE_PROTO}`,
    `ip route replace 10.244.2.0/24 via 192.168.1.12 proto ${ROUTE_PROTO}`,
    `ip route replace 10.244.3.0/24 via 192.168.1.13 proto ${ROUTE_PROTO}`,
    `ip route del 10.244.7.0/24 proto ${ROUTE_PROTO}`,
  ]);
});

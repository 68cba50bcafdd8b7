import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PodIPPool, nodeIP, podCIDR, MAX_HOLLOW_NODES } from './addresses.js';

test('every node of a 5,000-node fleet gets its own node IP and pod /24', () => {
  const ips = new Set<string>();
  const cidrs = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    ips.add(nodeIP(i));
    cidrs.add(podCIDR(i));
  }
  assert.equal(ips.size, 5000);
  assert.equal(cidrs.size, 5000);
  assert.equal(nodeIP(0), '172.16.0.1');
  assert.equal(podCIDR(257), '10.65.1.0/24');
  assert.throws(() => podCIDR(MAX_HOLLOW_NODES));
});

test('a pod IP pool hands out .2-.254 once each, keeps a pod its IP, and reuses released ones', () => {
  const pool = new PodIPPool('10.64.3.0/24');
  assert.equal(pool.allocate('ns/a'), '10.64.3.2');
  assert.equal(pool.allocate('ns/a'), '10.64.3.2', 'the same pod keeps its IP');
  assert.equal(pool.allocate('ns/b'), '10.64.3.3');
  pool.release('ns/a');
  assert.equal(pool.get('ns/a'), undefined);
  const seen = new Set<string>(['10.64.3.3']);
  for (let i = 0; i < 252; i++) seen.add(pool.allocate(`ns/p${i}`));
  assert.equal(seen.size, 253, 'all 253 host addresses, .2 reused after release');
  assert.ok(![...seen].includes('10.64.3.1') && ![...seen].includes('10.64.3.255'));
  assert.throws(() => pool.allocate('ns/one-too-many'), /no pod IPs left/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CidrSet, formatCIDR, parseCIDR } from './cidr-set.js';

test('subnets are handed out in order, skip occupied ones and wrap to freed ones', () => {
  const s = new CidrSet('10.244.0.0/16', 24);
  assert.equal(s.size, 256);
  assert.equal(s.allocateNext(), '10.244.0.0/24');
  assert.equal(s.occupy('10.244.1.0/24'), true);
  assert.equal(s.allocateNext(), '10.244.2.0/24');
  const small = new CidrSet('192.168.0.0/23', 24);
  assert.equal(small.allocateNext(), '192.168.0.0/24');
  assert.equal(small.allocateNext(), '192.168.1.0/24');
  assert.equal(small.allocateNext(), undefined, 'full');
  small.release('192.168.0.0/24');
  assert.equal(small.allocateNext(), '192.168.0.0/24');
});

test('CIDRs outside the cluster CIDR or of another size are not ours', () => {
  const s = new CidrSet('10.244.0.0/16', 24);
  assert.equal(s.occupy('10.245.0.0/24'), false);
  assert.equal(s.occupy('10.244.0.0/25'), false);
  assert.equal(s.indexOf('10.244.3.0/24'), 3);
  assert.throws(() => new CidrSet('10.0.0.0/24', 16), /does not fit/);
  assert.throws(() => parseCIDR('10.0.0/8'), /invalid CIDR/);
});

test('IPv6 cluster CIDRs work too', () => {
  const s = new CidrSet('fd00:10::/56', 64);
  assert.equal(s.allocateNext(), 'fd00:10::/64');
  assert.equal(s.allocateNext(), 'fd00:10:0:1::/64');
  assert.equal(formatCIDR(4, parseCIDR('10.1.2.3/8').base, 8), '10.0.0.0/8');
});

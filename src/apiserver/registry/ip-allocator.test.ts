import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IpAllocator, parseIPv4, formatIPv4 } from './ip-allocator.js';
import { AllocationError } from './allocation-error.js';

/** A deterministic random source cycling through the given values. */
const seq = (...values: number[]) => { let i = 0; return () => values[i++ % values.length]; };

test('hands out distinct addresses from the service CIDR, never the static band, network or broadcast', () => {
  const a = new IpAllocator({ cidr: '10.96.0.0/24', random: Math.random });
  const seen = new Set<string>();
  for (let i = 0; i < 254 - 16; i++) {
    const ip = a.allocateNext();
    assert.ok(!seen.has(ip), `duplicate ${ip}`);
    seen.add(ip);
    const last = Number(ip.split('.')[3]);
    assert.ok(last >= 17 && last <= 254, `${ip} outside the dynamic band`);
  }
  // The dynamic band is exhausted: the static band is used next, then the range is full.
  for (let i = 0; i < 16; i++) seen.add(a.allocateNext());
  assert.equal(seen.size, 254);
  assert.ok(!seen.has('10.96.0.0') && !seen.has('10.96.0.255'));
  assert.throws(() => a.allocateNext(), (e: unknown) => e instanceof AllocationError && e.message === 'range is full');
});

test('picks the random point then the next free address', () => {
  const a = new IpAllocator({ cidr: '10.96.0.0/12', random: seq(0, 0) });
  // The static band of a /12 is 256 addresses: 10.96.0.1 .. 10.96.1.0.
  assert.equal(a.allocateNext(), '10.96.1.1');
  assert.equal(a.allocateNext(), '10.96.1.2');
  assert.equal(a.firstAddress(), '10.96.0.1');
});

test('honours a requested address once and refuses it with Kubernetes wording afterwards', () => {
  const a = new IpAllocator();
  a.allocate('10.96.0.1');
  a.allocate('10.96.0.10');
  assert.ok(a.has('10.96.0.10'));
  assert.throws(() => a.allocate('10.96.0.10'), { message: 'provided IP is already allocated' });
  assert.throws(() => a.allocate('1.1.1.1'), { message: 'the provided IP (1.1.1.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12' });
  assert.throws(() => a.allocate('10.96.0.0'), /not in the valid range/);
  assert.throws(() => a.allocate('10.111.255.255'), /not in the valid range/);
  a.allocate('10.111.255.254');
  a.release('10.96.0.10');
  a.allocate('10.96.0.10');
  assert.equal(a.allocatedCount, 3);
});

test('rejects malformed CIDRs and parses addresses strictly', () => {
  assert.throws(() => new IpAllocator({ cidr: '10.96.0.0' }));
  assert.throws(() => new IpAllocator({ cidr: 'fd00::/108' }));
  assert.equal(parseIPv4('256.1.1.1'), null);
  assert.equal(formatIPv4(parseIPv4('10.111.255.254')!), '10.111.255.254');
});

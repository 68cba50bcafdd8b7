import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PortAllocator } from './port-allocator.js';

test('hands out every node port of the range exactly once, then reports the range full', () => {
  const a = new PortAllocator({ range: '30000-30099' });
  const seen = new Set<number>();
  for (let i = 0; i < 100; i++) seen.add(a.allocateNext());
  assert.equal(seen.size, 100);
  assert.ok([...seen].every((p) => p >= 30000 && p <= 30099));
  assert.throws(() => a.allocateNext(), { message: 'range is full' });
});

test('prefers ports above the static band for random picks', () => {
  const a = new PortAllocator({ random: () => 0 });
  // 2768 ports: a static band of 86 (30000-30085).
  assert.equal(a.allocateNext(), 30086);
});

test('honours requested ports and refuses taken or out-of-range ones with Kubernetes wording', () => {
  const a = new PortAllocator();
  a.allocate(30080);
  assert.throws(() => a.allocate(30080), { message: 'provided port is already allocated' });
  assert.throws(() => a.allocate(8080), { message: 'provided port is not in the valid range. The range of valid ports is 30000-32767' });
  a.release(30080);
  a.allocate(30080);
  assert.throws(() => new PortAllocator({ range: '32767-30000' }));
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestedTtl, reuseWindow } from './leases.js';

describe('lease TTL padding', () => {
  it('pads long TTLs by 5% (at most 60 s) and short ones not at all', () => {
    assert.equal(reuseWindow(2), 0);
    assert.equal(reuseWindow(30), 1);
    assert.equal(reuseWindow(3600), 60);
  });
  it('recovers the requested TTL from every granted TTL', () => {
    for (let t = 1; t <= 5000; t++) assert.equal(requestedTtl(t + reuseWindow(t)), t);
  });
});

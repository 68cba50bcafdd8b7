import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numFeasibleNodesToFind } from './schedule-one.js';

test('percentageOfNodesToScore: all below 100 nodes, adaptive 50% - nodes/125 (min 5%), never fewer than 100', () => {
  assert.equal(numFeasibleNodesToFind(undefined, 50), 50);
  assert.equal(numFeasibleNodesToFind(undefined, 500), 230); // 46%
  assert.equal(numFeasibleNodesToFind(undefined, 5000), 500); // 10%
  assert.equal(numFeasibleNodesToFind(undefined, 6000), 300); // 50 - 48 = 2 -> 5%
  assert.equal(numFeasibleNodesToFind(undefined, 150), 100); // 48% = 72 -> at least 100
  assert.equal(numFeasibleNodesToFind(30, 1000), 300);
  assert.equal(numFeasibleNodesToFind(100, 1000), 1000);
});

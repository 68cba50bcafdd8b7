import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, age } from './age.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

test('prints young ages in seconds, then minutes and seconds, like kubectl', () => {
  assert.equal(humanDuration(5 * s), '5s');
  assert.equal(humanDuration(119 * s), '119s');
  assert.equal(humanDuration(3 * m + 2 * s), '3m2s');
  assert.equal(humanDuration(4 * m), '4m');
  assert.equal(humanDuration(25 * m + 40 * s), '25m');
});

test('prints hours with minutes under 8h, then plain hours, then days with hours', () => {
  assert.equal(humanDuration(5 * h + 3 * m), '5h3m');
  assert.equal(humanDuration(3 * h), '3h');
  assert.equal(humanDuration(20 * h + 59 * m), '20h');
  assert.equal(humanDuration(2 * d + 3 * h), '2d3h');
  assert.equal(humanDuration(3 * d), '3d');
  assert.equal(humanDuration(30 * d + 5 * h), '30d');
  assert.equal(humanDuration(365 * 2 * d + 10 * d), '2y10d');
  assert.equal(humanDuration(365 * 9 * d), '9y');
});

test('treats a second of clock skew as now and more as invalid', () => {
  assert.equal(humanDuration(-500), '0s');
  assert.equal(humanDuration(-1500), '0s');
  assert.equal(humanDuration(-2500), '<invalid>');
});

test('age of a missing timestamp is <unknown>', () => {
  assert.equal(age(undefined, Date.now()), '<unknown>');
  assert.equal(age('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:03:02Z')), '3m2s');
});

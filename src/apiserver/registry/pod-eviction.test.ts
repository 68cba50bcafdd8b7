import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../machinery/errors.js';
import type { PodDisruptionBudget } from '../../api/policy/v1/index.js';
import { checkAndDecrement, VIOLATES_BUDGET } from './pod-eviction.js';

const NOW = Date.parse('2024-01-01T00:00:00Z');
const pdb = (status: Record<string, unknown>, generation = 1): PodDisruptionBudget =>
  ({ metadata: { name: 'web', namespace: 'default', generation }, spec: { minAvailable: 1 }, status: { observedGeneration: 1, ...status } } as PodDisruptionBudget);
const apiError = (fn: () => unknown): ApiError => {
  try { fn(); } catch (err) { if (err instanceof ApiError) return err; throw err; }
  assert.fail('expected an ApiError');
};

test('an allowed disruption is spent and the pod recorded with the time of the eviction', () => {
  const out = checkAndDecrement(pdb({ disruptionsAllowed: 2, currentHealthy: 3, desiredHealthy: 1 }), 'web-1', NOW, false);
  assert.equal(out.status!.disruptionsAllowed, 1);
  assert.deepEqual(out.status!.disruptedPods, { 'web-1': '2024-01-01T00:00:00Z' });
  assert.equal(out.status!.conditions, undefined, 'the condition changes only when the last disruption is spent');
  const last = checkAndDecrement(out, 'web-2', NOW, false);
  assert.deepEqual(last.status!.conditions!.map((c) => [c.type, c.status, c.reason]), [['DisruptionAllowed', 'False', 'InsufficientPods']]);
});

test('a dry run spends the disruption in the answer but records no pod', () => {
  const out = checkAndDecrement(pdb({ disruptionsAllowed: 1 }), 'web-1', NOW, true);
  assert.equal(out.status!.disruptionsAllowed, 0);
  assert.equal(out.status!.disruptedPods, undefined);
});

test('no disruption left is 429 naming the healthy pods needed and had; a stale budget is 429 retry in 10 s', () => {
  const e = apiError(() => checkAndDecrement(pdb({ disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 }), 'web-1', NOW, false));
  assert.deepEqual([e.code, e.reason, e.message], [429, 'TooManyRequests', VIOLATES_BUDGET]);
  assert.deepEqual(e.details, { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] });
  const stale = apiError(() => checkAndDecrement(pdb({ disruptionsAllowed: 5 }, 2), 'web-1', NOW, false));
  assert.equal(stale.code, 429);
  assert.equal(stale.details?.retryAfterSeconds, 10);
});

test('a negative allowance or an overfull disruptedPods map is 403 Forbidden', () => {
  assert.equal(apiError(() => checkAndDecrement(pdb({ disruptionsAllowed: -1 }), 'p', NOW, false)).message, 'poddisruptionbudget.policy "web" is forbidden: pdb disruptions allowed is negative');
  const many = Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`p${i}`, '2024-01-01T00:00:00Z']));
  assert.equal(apiError(() => checkAndDecrement(pdb({ disruptionsAllowed: 1, disruptedPods: many }), 'p', NOW, false)).code, 403);
});

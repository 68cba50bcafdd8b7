import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walk } from '../../../apiserver/decode/schema-walk.js';
import { poddisruptionbudgets, validatePodDisruptionBudget, validatePodDisruptionBudgetStatus } from './poddisruptionbudgets.js';
import { scaledValue, budgetCoversPod, updateDisruptionAllowedCondition, conditionsAreUpToDate } from './helpers.js';
import { resources, type PodDisruptionBudget } from './index.js';

const messages = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);
const pdb = (spec: Record<string, unknown>, status?: Record<string, unknown>): PodDisruptionBudget =>
  ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default', generation: 1, creationTimestamp: '2024-01-01T00:00:00Z' }, spec, ...(status ? { status } : {}) } as PodDisruptionBudget);

test('a budget with a selector and minAvailable decodes strictly and is valid; served as policy/v1 pdb with a status subresource', () => {
  const p = pdb({ minAvailable: '50%', selector: { matchLabels: { app: 'web' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    { observedGeneration: 1, disruptedPods: { 'web-1': '2024-01-01T00:00:00Z' }, disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2,
      conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 1, lastTransitionTime: '2024-01-01T00:00:00Z' }] });
  assert.deepEqual(walk(structuredClone(p), poddisruptionbudgets.schema, { dropUnknown: false }), { unknown: [], mismatches: [] });
  assert.deepEqual(validatePodDisruptionBudget(p), []);
  assert.deepEqual(resources, [poddisruptionbudgets]);
  assert.deepEqual(poddisruptionbudgets.shortNames, ['pdb']);
  assert.equal(poddisruptionbudgets.subresources?.status, true);
});

test('minAvailable and maxUnavailable together are refused with Kubernetes\' message on spec', () => {
  const errs = validatePodDisruptionBudget(pdb({ minAvailable: 1, maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } }));
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.field, 'spec');
  assert.match(errs[0]!.message, /^Invalid value: policy\.PodDisruptionBudgetSpec\{MinAvailable:\(\*intstr\.IntOrString\)\(0x[0-9a-f]+\), Selector:\(\*v1\.LabelSelector\)\(0x[0-9a-f]+\), MaxUnavailable:\(\*intstr\.IntOrString\)\(0x[0-9a-f]+\), UnhealthyPodEvictionPolicy:\(\*policy\.UnhealthyPodEvictionPolicyType\)\(nil\)\}: minAvailable and maxUnavailable cannot be both set$/);
});

test('negative counts, malformed and over-100% percents, and unknown eviction policies are refused', () => {
  assert.deepEqual(messages(validatePodDisruptionBudget(pdb({ minAvailable: -1 }))), ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0']);
  assert.deepEqual(messages(validatePodDisruptionBudget(pdb({ maxUnavailable: '120%' }))), ['spec.maxUnavailable: Invalid value: "120%": must not be greater than 100%']);
  const bad = messages(validatePodDisruptionBudget(pdb({ maxUnavailable: '-5%' })));
  assert.equal(bad.length, 1);
  assert.match(bad[0]!, /^spec\.maxUnavailable: Invalid value: "-5%": a valid percent string must be/);
  assert.deepEqual(messages(validatePodDisruptionBudget(pdb({ minAvailable: 1, unhealthyPodEvictionPolicy: 'Sometimes' }))),
    ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Sometimes": supported values: "AlwaysAllow", "IfHealthyBudget"']);
  assert.deepEqual(messages(validatePodDisruptionBudgetStatus(pdb({}, { disruptionsAllowed: -1 }))), ['status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0']);
});

test('a new budget starts with an all-zero status', () => {
  const p = pdb({ minAvailable: 1 }, { disruptionsAllowed: 7 });
  poddisruptionbudgets.prepareForCreate!(p);
  assert.deepEqual(p.status, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
});

test('table shows MIN AVAILABLE, MAX UNAVAILABLE (N/A when unset), ALLOWED DISRUPTIONS and AGE', () => {
  assert.deepEqual(poddisruptionbudgets.table!.columns.map((c) => c.name), ['Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
  assert.deepEqual(poddisruptionbudgets.table!.cells(pdb({ minAvailable: '50%' }, { disruptionsAllowed: 2 }), Date.parse('2024-01-01T00:00:09Z')), ['50%', 'N/A', 2, '9s']);
});

test('percent scaling rounds up, and the empty selector covers no pod for eviction and preemption', () => {
  assert.equal(scaledValue('50%', 3, true), 2);
  assert.equal(scaledValue('50%', 3, false), 1);
  assert.equal(scaledValue(4, 3, true), 4);
  assert.throws(() => scaledValue('x', 3, true));
  const pod = { metadata: { namespace: 'default', labels: { app: 'web' } } };
  assert.equal(budgetCoversPod(pdb({ selector: { matchLabels: { app: 'web' } } }), pod), true);
  assert.equal(budgetCoversPod(pdb({ selector: {} }), pod), false);
  assert.equal(budgetCoversPod(pdb({}), pod), false);
  assert.equal(budgetCoversPod(pdb({ selector: { matchLabels: { app: 'web' } } }), { metadata: { namespace: 'other', labels: { app: 'web' } } }), false);
});

test('the DisruptionAllowed condition follows disruptionsAllowed and keeps its transition time while unchanged', () => {
  const p = pdb({ minAvailable: 1 }, { observedGeneration: 1, disruptionsAllowed: 1 });
  updateDisruptionAllowedCondition(p.status!, Date.parse('2024-01-01T00:00:00Z'));
  assert.equal(conditionsAreUpToDate(p), true);
  assert.deepEqual(p.status!.conditions, [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 1, lastTransitionTime: '2024-01-01T00:00:00Z' }]);
  updateDisruptionAllowedCondition(p.status!, Date.parse('2024-01-01T00:05:00Z'));
  assert.equal(p.status!.conditions![0]!.lastTransitionTime, '2024-01-01T00:00:00Z');
  p.status!.disruptionsAllowed = 0;
  assert.equal(conditionsAreUpToDate(p), false);
  updateDisruptionAllowedCondition(p.status!, Date.parse('2024-01-01T00:06:00Z'));
  assert.deepEqual([p.status!.conditions![0]!.status, p.status!.conditions![0]!.reason, p.status!.conditions![0]!.lastTransitionTime], ['False', 'InsufficientPods', '2024-01-01T00:06:00Z']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walk } from '../../../apiserver/decode/schema-walk.js';
import { leases, type Lease, validateLease, LeaseSpec } from './leases.js';
import { resources } from './index.js';

const messages = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);
const lease = (spec: Record<string, unknown>): Lease => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'kube-scheduler', namespace: 'kube-system', creationTimestamp: '2024-01-01T00:00:00Z' }, spec } as Lease);

test('a leader-election lease decodes strictly (MicroTime renewTime) and validates', () => {
  const l = lease({ holderIdentity: 'node-1_abc', leaseDurationSeconds: 15, acquireTime: '2024-01-01T00:00:00.000000Z', renewTime: '2024-01-01T00:01:00.123456Z', leaseTransitions: 2 });
  assert.deepEqual(walk(structuredClone(l), leases.schema, { dropUnknown: false }), { unknown: [], mismatches: [] });
  assert.deepEqual(validateLease(l), []);
  assert.equal((LeaseSpec.properties.renewTime as unknown as Record<string, unknown>)['x-pb-type'], 'microtime');
  assert.deepEqual(resources, [leases]);
});

test('durations and transitions must be positive; strategy is a known value; preferredHolder needs a strategy', () => {
  assert.deepEqual(messages(validateLease(lease({ leaseDurationSeconds: 0, leaseTransitions: -1, strategy: 'Newest' }))), [
    'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
    'spec.strategy.strategy: Unsupported value: "Newest": supported values: "OldestEmulationVersion"',
  ]);
  assert.deepEqual(messages(validateLease(lease({ holderIdentity: 'a', preferredHolder: 'b' }))), ['spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined']);
  assert.deepEqual(validateLease(lease({ holderIdentity: 'a', preferredHolder: 'b', strategy: 'OldestEmulationVersion' })), []);
});

test('table shows HOLDER', () => {
  assert.deepEqual(leases.table!.cells(lease({ holderIdentity: 'node-1' }), Date.parse('2024-01-01T00:00:09Z')), ['node-1', '9s']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FitError, fitErrorMessage } from './fit-error.js';
import { Status } from './status.js';

test('the message counts reasons per node, sorted as Kubernetes sorts them', () => {
  const statuses = new Map<string, Status>([
    ['a', Status.unschedulable('Insufficient cpu')],
    ['b', Status.unschedulable('Insufficient cpu', 'Insufficient memory')],
    ['c', Status.unschedulable('Insufficient cpu')],
    ['d', Status.unresolvable('node(s) had untolerated taint {key: value}')],
    ['e', Status.unresolvable('node(s) had untolerated taint {key: value}')],
  ]);
  assert.equal(fitErrorMessage(5, statuses), '0/5 nodes are available: 1 Insufficient memory, 2 node(s) had untolerated taint {key: value}, 3 Insufficient cpu.');
});

test('a PreFilter rejection replaces the histogram; the preemption message follows', () => {
  const e = new FitError(3, new Map([['a', Status.unschedulable('x')]]), "node(s) didn't match pod topology spread constraints");
  e.postFilterMsg = 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
  assert.equal(e.message, "0/3 nodes are available: node(s) didn't match pod topology spread constraints. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..");
});

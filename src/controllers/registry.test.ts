import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROLLERS, enabledControllers } from './registry.js';

test('"*" enables every controller, "-name" disables one, plain names pick a subset', () => {
  assert.deepEqual(enabledControllers(['*']), Object.keys(CONTROLLERS));
  assert.deepEqual(enabledControllers([]), Object.keys(CONTROLLERS));
  assert.ok(!enabledControllers(['*', '-podgc']).includes('podgc'));
  assert.deepEqual(enabledControllers(['namespace', 'serviceaccount']), ['namespace', 'serviceaccount']);
  assert.deepEqual(enabledControllers(['endpoints-controller']), ['endpoint'], 'the newer -controller names are aliases');
});

test('an unknown controller name is an error', () => {
  assert.throws(() => enabledControllers(['nope']), /"nope" is not in the list of known controllers/);
});

test('every registered controller loads to a factory', async () => {
  for (const name of ['endpoint', 'endpointslice', 'nodelifecycle', 'nodeipam', 'namespace', 'garbagecollector', 'serviceaccount', 'podgc', 'replicationcontroller', 'replicaset', 'deployment', 'daemonset']) {
    assert.equal(typeof (await CONTROLLERS[name]!()), 'function', name);
  }
});

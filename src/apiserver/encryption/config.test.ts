import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEncryptionConfig } from './config.js';
import { planEncryption, resourceMatches } from './store.js';

const head = 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n';

test('parses providers in order with their keys', () => {
  const c = parseEncryptionConfig(`${head}resources:\n  - resources: [secrets, configmaps]\n    providers:\n      - aesgcm:\n          keys:\n            - name: key1\n              secret: ${Buffer.alloc(16, 1).toString('base64')}\n      - identity: {}\n`);
  assert.deepEqual(c.resources[0].resources, ['secrets', 'configmaps']);
  assert.equal(c.resources[0].providers[0].type, 'aesgcm');
  assert.equal(c.resources[0].providers[1].type, 'identity');
});

test('refuses keys of the wrong length, unknown providers and the wrong kind', () => {
  assert.throws(() => parseEncryptionConfig(`${head}resources:\n  - resources: [secrets]\n    providers:\n      - aescbc:\n          keys: [{ name: k, secret: ${Buffer.alloc(16).toString('base64')} }]\n`), /secret is not of the expected length, got 16/);
  assert.throws(() => parseEncryptionConfig(`${head}resources:\n  - resources: [secrets]\n    providers:\n      - rot13: {}\n`), /unknown provider "rot13"/);
  assert.throws(() => parseEncryptionConfig('apiVersion: v1\nkind: ConfigMap\n'), /kind must be EncryptionConfiguration/);
});

test('resource names match as Kubernetes\' wildcards do, and the first entry naming a resource wins', () => {
  assert.equal(resourceMatches('secrets', { group: '', plural: 'secrets' }), true);
  assert.equal(resourceMatches('*.apps', { group: 'apps', plural: 'deployments' }), true);
  assert.equal(resourceMatches('*.', { group: '', plural: 'configmaps' }), true);
  assert.equal(resourceMatches('*.', { group: 'apps', plural: 'deployments' }), false);
  assert.equal(resourceMatches('*.*', { group: 'apps', plural: 'deployments' }), true);
  const c = parseEncryptionConfig(`${head}resources:\n  - resources: [configmaps]\n    providers: [{ identity: {} }]\n  - resources: ['*.*']\n    providers:\n      - aesgcm: { keys: [{ name: k, secret: ${Buffer.alloc(32).toString('base64')} }] }\n`);
  const plan = planEncryption(c, [{ group: '', plural: 'configmaps' }, { group: '', plural: 'secrets' }, { group: 'apps', plural: 'deployments' }]);
  assert.deepEqual(plan.map((p) => p.prefix), ['/registry/core/secrets/', '/registry/apps/deployments/']);
});

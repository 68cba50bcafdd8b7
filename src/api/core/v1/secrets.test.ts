import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walk } from '../../../apiserver/decode/schema-walk.js';
import { secrets, type Secret, defaultSecret, validateSecret, validateSecretUpdate } from './secrets.js';

const secret = (o: Partial<Secret>): Secret => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' }, ...o }) as Secret;
const messages = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);

test('defaults type to Opaque and merges stringData into base64 data, never keeping stringData', () => {
  const s = secret({ data: { user: Buffer.from('old').toString('base64'), keep: 'eA==' }, stringData: { user: 'admin', pass: 'p@ss' } });
  defaultSecret(s);
  assert.equal(s.type, 'Opaque');
  assert.equal(s.stringData, undefined);
  assert.deepEqual(s.data, { user: Buffer.from('admin').toString('base64'), keep: 'eA==', pass: Buffer.from('p@ss').toString('base64') });
});

test('TLS and basic-auth secrets need their keys', () => {
  assert.deepEqual(messages(validateSecret(secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'AA==' } }))), ['data[tls.key]: Required value']);
  assert.deepEqual(messages(validateSecret(secret({ type: 'kubernetes.io/basic-auth', data: {} }))), ['data[username]: Required value', 'data[password]: Required value']);
  assert.deepEqual(validateSecret(secret({ type: 'kubernetes.io/basic-auth', data: { password: 'AA==' } })), []);
  assert.deepEqual(messages(validateSecret(secret({ type: 'kubernetes.io/service-account-token' }))), ['metadata.annotations[kubernetes.io/service-account.name]: Required value']);
});

test('docker config secrets must hold JSON', () => {
  const bad = secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from('{nope').toString('base64') } });
  const errs = validateSecret(bad);
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.field, 'data[.dockerconfigjson]');
  assert.match(errs[0]!.message, /^Invalid value: "<secret contents redacted>": /);
  assert.deepEqual(validateSecret(secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') } })), []);
});

test('type is immutable; immutable secrets keep their data', () => {
  assert.deepEqual(messages(validateSecretUpdate(secret({ type: 'Opaque2' }), secret({ type: 'Opaque' }))), ['type: Invalid value: "Opaque2": field is immutable']);
  const old = secret({ type: 'Opaque', immutable: true, data: { a: 'AA==' } });
  assert.deepEqual(messages(validateSecretUpdate(secret({ type: 'Opaque', immutable: true, data: { a: 'AQ==' } }), old)), ['data: Forbidden: field is immutable when `immutable` is set']);
});

test('table shows TYPE and the number of keys; type is a field selector', () => {
  const s = secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'AA==', 'tls.key': 'AA==' } });
  assert.deepEqual(secrets.table!.cells(s, Date.parse('2024-01-03T05:00:00Z')), ['kubernetes.io/tls', 2, '2d5h']);
  assert.equal(secrets.fieldSelectors!.type!(s), 'kubernetes.io/tls');
});

test('a real-world secret decodes with no unknown fields', () => {
  const real = {
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', immutable: false,
    metadata: { name: 'web-tls', namespace: 'prod', uid: 'u', resourceVersion: '7', creationTimestamp: '2024-01-01T00:00:00Z', labels: { app: 'web' } },
    data: { 'tls.crt': 'LS0tLS1CRUdJTg==', 'tls.key': 'LS0tLS1CRUdJTg==' },
    stringData: { note: 'write-only' },
  };
  assert.deepEqual(walk(real, secrets.schema, { dropUnknown: false }), { unknown: [], mismatches: [] });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walk } from '../../../apiserver/decode/schema-walk.js';
import { endpoints, type Endpoints, defaultEndpoints, validateEndpoints, formatEndpoints } from './endpoints.js';
import { bindings, type Binding, validateBinding } from './bindings.js';
import { serviceaccounts } from './serviceaccounts.js';

const messages = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);
const ep = (subsets: unknown[]): Endpoints => ({ metadata: { name: 'web', namespace: 'default' }, subsets } as Endpoints);

test('ports default to TCP and a valid endpoints object passes', () => {
  const e = ep([{ addresses: [{ ip: '10.244.1.5', nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default' } }], ports: [{ port: 8080 }] }]);
  defaultEndpoints(e);
  assert.equal(e.subsets![0]!.ports![0]!.protocol, 'TCP');
  assert.deepEqual(validateEndpoints(e), []);
  assert.deepEqual(walk(structuredClone(e), endpoints.schema, { dropUnknown: false }), { unknown: [], mismatches: [] });
});

test('subsets need addresses; addresses may not be loopback; named ports when several', () => {
  assert.deepEqual(messages(validateEndpoints(ep([{ ports: [{ port: 80, protocol: 'TCP' }] }]))), ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`']);
  assert.deepEqual(messages(validateEndpoints(ep([{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 80, protocol: 'TCP' }, { name: 'b', port: 81, protocol: 'TCP' }] }]))), [
    'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'subsets[0].ports[0].name: Required value',
  ]);
});

test('ENDPOINTS column lists up to three ip:port then "+ N more..."', () => {
  const e = ep([{ addresses: [1, 2, 3, 4].map((i) => ({ ip: `10.0.0.${i}` })), ports: [{ port: 80 }] }]);
  assert.equal(formatEndpoints(e), '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...');
  assert.equal(formatEndpoints(ep([])), '<none>');
  assert.equal(formatEndpoints(ep([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 443 }] }])), '[fd00::1]:443');
  assert.deepEqual(endpoints.shortNames, ['ep']);
});

test('a binding targets a node by name and is create-only', () => {
  assert.deepEqual(validateBinding({ metadata: { name: 'p' }, target: { kind: 'Node', name: 'node-1' } } as Binding), []);
  assert.deepEqual(messages(validateBinding({ metadata: { name: 'p' }, target: { kind: 'Pod' } } as Binding)), [
    'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"',
    'target.name: Required value',
  ]);
  assert.deepEqual(bindings.verbs, ['create']);
});

test('a real-world service account decodes with no unknown fields', () => {
  const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' }, secrets: [{ name: 'default-token-abc' }], imagePullSecrets: [{ name: 'regcred' }], automountServiceAccountToken: false };
  assert.deepEqual(walk(sa, serviceaccounts.schema, { dropUnknown: false }), { unknown: [], mismatches: [] });
  assert.deepEqual(serviceaccounts.table!.cells(sa as never, Date.now()).slice(0, 1), [1]);
});

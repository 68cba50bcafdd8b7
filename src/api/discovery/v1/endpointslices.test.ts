import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walk } from '../../../apiserver/decode/schema-walk.js';
import { endpointslices, type EndpointSlice, defaultEndpointSlice, validateEndpointSlice, validateEndpointSliceUpdate } from './endpointslices.js';
import { resources } from './index.js';

const messages = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);

function realSlice(): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: 'web-abc12', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z', generateName: 'web-',
      labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'u', controller: true, blockOwnerDeletion: true }] },
    addressType: 'IPv4',
    endpoints: [
      { addresses: ['10.244.1.5'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'node-1', zone: 'us-east-1a',
        targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'p1' }, hints: { forZones: [{ name: 'us-east-1a' }] } },
      { addresses: ['10.244.2.7'], conditions: { ready: false, serving: false, terminating: true }, nodeName: 'node-2' },
    ],
    ports: [{ name: 'http', protocol: 'TCP', port: 8080, appProtocol: 'http' }],
  } as EndpointSlice;
}

test('a controller-made slice decodes strictly and validates', () => {
  const s = realSlice();
  assert.deepEqual(walk(structuredClone(s), endpointslices.schema, { dropUnknown: false }), { unknown: [], mismatches: [] });
  assert.deepEqual(validateEndpointSlice(s), []);
  assert.deepEqual(resources, [endpointslices]);
});

test('ports default to name "" and protocol TCP', () => {
  const s = realSlice();
  s.ports = [{ port: 80 }];
  defaultEndpointSlice(s);
  assert.deepEqual(s.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
});

test('addresses must match the address type and endpoints need one', () => {
  const s = realSlice();
  s.endpoints = [{ addresses: ['fd00::1'] }, { addresses: [] }];
  assert.deepEqual(messages(validateEndpointSlice(s)), [
    'endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address',
    'endpoints[1].addresses: Required value: must contain at least 1 address',
  ]);
  s.addressType = 'IPX';
  s.endpoints = [];
  assert.deepEqual(messages(validateEndpointSlice(s)), ['addressType: Unsupported value: "IPX": supported values: "FQDN", "IPv4", "IPv6"']);
});

test('addressType is immutable and port names unique', () => {
  const old = realSlice();
  const next = realSlice();
  next.addressType = 'IPv6';
  next.endpoints = [];
  next.ports = [{ name: 'a', protocol: 'TCP', port: 1 }, { name: 'a', protocol: 'TCP', port: 2 }];
  assert.deepEqual(messages(validateEndpointSliceUpdate(next, old)), [
    'ports[1].name: Duplicate value: "a"',
    'addressType: Invalid value: "IPv6": field is immutable',
  ]);
});

test('table shows ADDRESSTYPE PORTS ENDPOINTS AGE with kubectl truncation', () => {
  const s = realSlice();
  s.endpoints = [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3', '10.0.0.4'] }];
  assert.deepEqual(endpointslices.table!.cells(s, Date.parse('2024-01-01T00:00:03Z')), ['IPv4', '8080', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '3s']);
  s.ports = [];
  s.endpoints = [];
  assert.deepEqual(endpointslices.table!.cells(s, Date.parse('2024-01-01T00:00:03Z')).slice(1, 3), ['<unset>', '<unset>']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../api/core/v1/services.js';
import type { EndpointSlice } from '../api/discovery/v1/endpointslices.js';
import { resolve, type ClusterView } from './records.js';
import { RCODE, TYPE } from './wire.js';

const svcs: Record<string, Service> = {
  'default/web': { metadata: { namespace: 'default', name: 'web' }, spec: { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } } as Service,
  'default/db': { metadata: { namespace: 'default', name: 'db' }, spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] } } as Service,
  'default/ext': { metadata: { namespace: 'default', name: 'ext' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } } as Service,
};
const dbSlice = {
  metadata: { namespace: 'default', name: 'db-1', labels: { 'kubernetes.io/service-name': 'db' } }, addressType: 'IPv4',
  ports: [{ name: 'pg', port: 5433, protocol: 'TCP' }],
  endpoints: [{ addresses: ['10.244.0.7'], hostname: 'db-0', conditions: { ready: true } }, { addresses: ['10.244.0.8'], conditions: { ready: true } }, { addresses: ['10.244.0.9'], conditions: { ready: false } }],
} as EndpointSlice;
const view: ClusterView = { service: (ns, n) => svcs[`${ns}/${n}`], slices: (ns, n) => (ns === 'default' && n === 'db' ? [dbSlice] : []) };
const q = (name: string, type: number = TYPE.A) => resolve(view, 'cluster.local', name, type);

test('a ClusterIP service name answers its cluster IP, case-insensitively', () => {
  assert.deepEqual(q('Web.default.svc.cluster.local'), { rcode: RCODE.NOERROR, answers: [{ name: 'web.default.svc.cluster.local', ttl: 5, type: TYPE.A, address: '10.96.0.10' }] });
});

test('a headless service answers its ready endpoints, and each by hostname', () => {
  assert.deepEqual(q('db.default.svc.cluster.local')!.answers.map((a) => 'address' in a && a.address), ['10.244.0.7', '10.244.0.8']);
  assert.deepEqual(q('db-0.db.default.svc.cluster.local')!.answers.map((a) => 'address' in a && a.address), ['10.244.0.7']);
  assert.deepEqual(q('10-244-0-8.db.default.svc.cluster.local')!.answers.map((a) => 'address' in a && a.address), ['10.244.0.8']);
  assert.equal(q('db-9.db.default.svc.cluster.local')!.rcode, RCODE.NXDOMAIN);
});

test('SRV records name the port: the service for ClusterIP, each endpoint for headless', () => {
  assert.deepEqual(q('_http._tcp.web.default.svc.cluster.local', TYPE.SRV)!.answers, [{ name: '_http._tcp.web.default.svc.cluster.local', ttl: 5, type: TYPE.SRV, priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }]);
  const h = q('_pg._tcp.db.default.svc.cluster.local', TYPE.SRV)!.answers;
  assert.deepEqual(h.map((a) => 'port' in a && [a.port, a.target]), [[5433, 'db-0.db.default.svc.cluster.local'], [5433, '10-244-0-8.db.default.svc.cluster.local']]);
  assert.equal(q('_nope._tcp.web.default.svc.cluster.local', TYPE.SRV)!.rcode, RCODE.NXDOMAIN);
});

test('ExternalName answers a CNAME; unknown names in the domain are NXDOMAIN; other names are not ours', () => {
  assert.deepEqual(q('ext.default.svc.cluster.local')!.answers, [{ name: 'ext.default.svc.cluster.local', ttl: 5, type: TYPE.CNAME, target: 'db.example.com' }]);
  assert.equal(q('missing.default.svc.cluster.local')!.rcode, RCODE.NXDOMAIN);
  assert.equal(q('example.com'), null);
  assert.deepEqual(q('web.default.svc.cluster.local', TYPE.AAAA), { rcode: RCODE.NOERROR, answers: [] });
});

test('pod names answer the address they spell', () => {
  assert.deepEqual(q('10-244-1-5.default.pod.cluster.local')!.answers, [{ name: '10-244-1-5.default.pod.cluster.local', ttl: 5, type: TYPE.A, address: '10.244.1.5' }]);
  assert.equal(q('nonsense.default.pod.cluster.local')!.rcode, RCODE.NXDOMAIN);
});

// The non-workload core/v1, coordination/v1 and discovery/v1 types served by a real API server over
// a real SQLite store: defaults, strategies and validation as a client sees them, and the tables
// `kubectl get` prints.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../apiserver/harness.js';
import { resources as coreCluster } from '../../src/api/core/v1/cluster.js';
import { resources as coordination } from '../../src/api/coordination/v1/index.js';
import { resources as discovery } from '../../src/api/discovery/v1/index.js';

let h: Harness;
before(async () => { h = await startHarness({ resources: [...coreCluster, ...coordination, ...discovery] }); });
after(async () => { await h?.stop(); });

const NS = '/api/v1/namespaces/default';
const TABLE = { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };

test('a service is created with defaults and a reset status, and shown as kubectl prints it', async () => {
  const r = await h.req('POST', `${NS}/services`, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' },
    spec: { clusterIP: '10.96.0.42', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    status: { loadBalancer: { ingress: [{ ip: '1.1.1.1' }] } },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.spec.type, 'ClusterIP');
  assert.equal(r.json.spec.sessionAffinity, 'None');
  assert.deepEqual(r.json.spec.clusterIPs, ['10.96.0.42']);
  assert.deepEqual(r.json.spec.ports, [{ port: 80, targetPort: 8080, protocol: 'TCP' }]);
  assert.deepEqual(r.json.status, { loadBalancer: {} });
  const t = await h.req('GET', `${NS}/services/web`, undefined, TABLE);
  assert.equal(t.status, 200, t.text);
  assert.deepEqual(t.json.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
  assert.deepEqual(t.json.rows[0].cells.slice(0, 5), ['web', 'ClusterIP', '10.96.0.42', '<none>', '80/TCP']);
});

test('changing a service cluster IP is refused with the 1.32 message', async () => {
  const cur = (await h.req('GET', `${NS}/services/web`)).json;
  cur.spec.clusterIP = '10.96.0.43';
  const r = await h.req('PUT', `${NS}/services/web`, cur);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.message, 'Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.43"}: may not change once set');
});

test('a service with two unnamed ports is refused with the field path', async () => {
  const r = await h.req('POST', `${NS}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'two' }, spec: { ports: [{ port: 80 }, { port: 81 }] } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.details.causes.map((c: { field: string }) => c.field), ['spec.ports[0].name', 'spec.ports[1].name']);
});

test('secret stringData is merged into data and never returned', async () => {
  const r = await h.req('POST', `${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, stringData: { password: 'hunter2' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.type, 'Opaque');
  assert.equal(r.json.stringData, undefined);
  assert.equal(Buffer.from(r.json.data.password, 'base64').toString(), 'hunter2');
  const t = await h.req('GET', `${NS}/secrets`, undefined, TABLE);
  assert.deepEqual(t.json.rows.find((row: { cells: unknown[] }) => row.cells[0] === 'creds').cells.slice(0, 3), ['creds', 'Opaque', 1]);
});

test('an immutable config map refuses data changes', async () => {
  const c = await h.req('POST', `${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen' }, data: { a: '1' }, immutable: true });
  assert.equal(c.status, 201, c.text);
  const cur = c.json;
  cur.data.a = '2';
  const r = await h.req('PUT', `${NS}/configmaps/frozen`, cur);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.message, 'ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set');
});

test('a node registers with status, and STATUS/ROLES show in the table; field selector on unschedulable', async () => {
  const r = await h.req('POST', '/api/v1/nodes', {
    apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { 'node-role.kubernetes.io/worker': '' } },
    spec: { unschedulable: true },
    status: { capacity: { cpu: '4', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.0' } },
  });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.status.allocatable, { cpu: '4', pods: '110' });
  const t = await h.req('GET', '/api/v1/nodes/node-1', undefined, TABLE);
  assert.deepEqual(t.json.rows[0].cells.slice(0, 3), ['node-1', 'Ready,SchedulingDisabled', 'worker']);
  const l = await h.req('GET', '/api/v1/nodes?fieldSelector=spec.unschedulable%3Dtrue');
  assert.equal(l.status, 200, l.text);
  assert.deepEqual(l.json.items.map((n: { metadata: { name: string } }) => n.metadata.name), ['node-1']);
});

test('leases and endpoint slices are served with their validation', async () => {
  const l = await h.req('POST', '/apis/coordination.k8s.io/v1/namespaces/default/leases', {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'lock' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 0 },
  });
  assert.equal(l.status, 422, l.text);
  assert.equal(l.json.message, 'Lease.coordination.k8s.io "lock" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0');
  const s = await h.req('POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-1' }, addressType: 'IPv4',
    endpoints: [{ addresses: ['10.244.0.5'], conditions: { ready: true } }], ports: [{ port: 8080 }],
  });
  assert.equal(s.status, 201, s.text);
  assert.deepEqual(s.json.ports, [{ port: 8080, name: '', protocol: 'TCP' }]);
});

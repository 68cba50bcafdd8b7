import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walk } from '../../../apiserver/decode/schema-walk.js';
import { services, type Service, defaultService, prepareServiceForCreate, prepareServiceForUpdate, validateService, validateServiceUpdate } from './services.js';

function svc(spec: Record<string, unknown>, name = 'web'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' }, spec } as Service;
}
/** What the server does before validating a create. */
function created(spec: Record<string, unknown>): Service {
  const s = svc(spec);
  defaultService(s);
  prepareServiceForCreate(s);
  return s;
}
const messages = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);

test('defaults a bare service to ClusterIP, TCP, targetPort=port, no affinity, Cluster traffic, single stack', () => {
  const s = svc({ selector: { app: 'web' }, ports: [{ port: 80 }] });
  defaultService(s);
  assert.deepEqual(s.spec, {
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    type: 'ClusterIP',
    sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
});

test('defaults externalTrafficPolicy and allocateLoadBalancerNodePorts only where they apply', () => {
  const np = svc({ type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] });
  defaultService(np);
  assert.equal(np.spec!.externalTrafficPolicy, 'Cluster');
  assert.equal(np.spec!.allocateLoadBalancerNodePorts, undefined);
  assert.equal(np.spec!.ports![0]!.targetPort, 'http');
  const lb = svc({ type: 'LoadBalancer', ports: [{ port: 443 }] });
  defaultService(lb);
  assert.equal(lb.spec!.allocateLoadBalancerNodePorts, true);
  const en = svc({ type: 'ExternalName', externalName: 'db.example.com' });
  defaultService(en);
  assert.equal(en.spec!.ipFamilies, undefined);
  assert.equal(en.spec!.internalTrafficPolicy, undefined);
  assert.equal(en.spec!.externalTrafficPolicy, undefined);
});

test('ClientIP affinity gets the default 3 hour timeout', () => {
  const s = svc({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] });
  defaultService(s);
  assert.deepEqual(s.spec!.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
});

test('create resets status and copies clusterIP into clusterIPs', () => {
  const s = svc({ clusterIP: '10.96.0.10', ports: [{ port: 53 }] });
  s.status = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } };
  defaultService(s);
  prepareServiceForCreate(s);
  assert.deepEqual(s.status, { loadBalancer: {} });
  assert.deepEqual(s.spec!.clusterIPs, ['10.96.0.10']);
  assert.deepEqual(validateService(s), []);
});

test('a valid service passes; a service without ports is refused unless headless', () => {
  assert.deepEqual(validateService(created({ selector: { app: 'web' }, ports: [{ port: 80 }] })), []);
  assert.deepEqual(messages(validateService(created({ selector: { app: 'web' } }))), ['spec.ports: Required value']);
  assert.deepEqual(validateService(created({ clusterIP: 'None', selector: { app: 'web' } })), []);
});

test('port numbers, protocols and target ports are checked with Kubernetes messages', () => {
  const errs = messages(validateService(created({ ports: [{ name: 'a', port: 70000, protocol: 'ICMP', targetPort: 'Bad_Name' }] })));
  assert.deepEqual(errs, [
    'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    'spec.ports[0].targetPort: Invalid value: "Bad_Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
  ]);
});

test('port names are required when there is more than one port, and must be unique', () => {
  assert.deepEqual(messages(validateService(created({ ports: [{ port: 80 }, { name: 'https', port: 443 }] }))), ['spec.ports[0].name: Required value']);
  assert.deepEqual(messages(validateService(created({ ports: [{ name: 'web', port: 80 }, { name: 'web', port: 81 }] }))), ['spec.ports[1].name: Duplicate value: "web"']);
});

test('duplicate port/protocol pairs are reported as Kubernetes renders the key', () => {
  const errs = messages(validateService(created({ ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] })));
  assert.deepEqual(errs, ['spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}']);
});

test('type, session affinity and nodePort on ClusterIP are validated', () => {
  assert.deepEqual(messages(validateService(created({ type: 'Magic', ports: [{ port: 80 }] }))).filter((m) => m.startsWith('spec.type')),
    ['spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']);
  assert.deepEqual(messages(validateService(created({ ports: [{ port: 80, nodePort: 30080 }] }))),
    ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
  assert.deepEqual(messages(validateService(created({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } }, ports: [{ port: 80 }] }))),
    ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400']);
});

test('ExternalName services need a DNS name and may not carry cluster IPs', () => {
  assert.deepEqual(messages(validateService(created({ type: 'ExternalName' }))), ['spec.externalName: Required value']);
  assert.deepEqual(validateService(created({ type: 'ExternalName', externalName: 'db.example.com.' })), []);
  assert.deepEqual(messages(validateService(created({ type: 'ExternalName', externalName: 'db.example.com', clusterIP: '10.0.0.1' }))),
    ['spec.clusterIPs: Forbidden: may not be set for ExternalName services']);
});

test('cluster IPs must be valid IPs matching their family', () => {
  assert.deepEqual(messages(validateService(created({ clusterIP: '10.0.0.300', ports: [{ port: 80 }] }))),
    ['spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  const s = svc({ clusterIP: 'fd00::10', clusterIPs: ['fd00::10'], ipFamilies: ['IPv4'], ports: [{ port: 80 }] });
  defaultService(s);
  assert.deepEqual(messages(validateService(s)), ['spec.clusterIPs[0]: Invalid value: "fd00::10": expected an IPv4 value as indicated by `ipFamilies[0]`']);
});

test('externalIPs may not be loopback', () => {
  assert.deepEqual(messages(validateService(created({ externalIPs: ['127.0.0.1'], ports: [{ port: 80 }] }))),
    ['spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']);
});

test('changing an allocated cluster IP is refused as Kubernetes 1.32 words it', () => {
  const old = created({ clusterIP: '10.96.0.10', ports: [{ port: 80 }] });
  const next = structuredClone(old);
  next.spec!.clusterIP = '10.96.0.11';
  defaultService(next);
  prepareServiceForUpdate(next, old);
  assert.deepEqual(messages(validateServiceUpdate(next, old)), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set']);
});

test('an update that omits allocated values keeps them (kubectl replace)', () => {
  const old = created({ type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, nodePort: 30080 }] });
  old.status = { loadBalancer: {} };
  const next = svc({ type: 'NodePort', ports: [{ name: 'http', port: 80 }] });
  defaultService(next);
  prepareServiceForUpdate(next, old);
  assert.equal(next.spec!.clusterIP, '10.96.0.10');
  assert.deepEqual(next.spec!.clusterIPs, ['10.96.0.10']);
  assert.equal(next.spec!.ports![0]!.nodePort, 30080);
  assert.deepEqual(validateServiceUpdate(next, old), []);
});

test('switching NodePort to ClusterIP wipes node ports and externalTrafficPolicy the user did not change', () => {
  const old = created({ type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ port: 80, nodePort: 30080 }] });
  const next = structuredClone(old);
  next.spec!.type = 'ClusterIP';
  defaultService(next);
  prepareServiceForUpdate(next, old);
  assert.equal(next.spec!.ports![0]!.nodePort, undefined);
  assert.equal(next.spec!.externalTrafficPolicy, undefined);
  assert.deepEqual(validateServiceUpdate(next, old), []);
});

test('switching to ExternalName drops cluster IPs and families', () => {
  const old = created({ clusterIP: '10.96.0.10', ports: [{ port: 80 }] });
  const next = structuredClone(old);
  next.spec!.type = 'ExternalName';
  next.spec!.externalName = 'example.com';
  defaultService(next);
  prepareServiceForUpdate(next, old);
  assert.equal(next.spec!.clusterIP, undefined);
  assert.equal(next.spec!.ipFamilies, undefined);
  assert.equal(next.spec!.ipFamilyPolicy, undefined);
  assert.deepEqual(validateServiceUpdate(next, old), []);
});

test('table rows read like kubectl get services -o wide', () => {
  const now = Date.parse('2024-01-01T00:05:00Z');
  const cip = created({ clusterIP: '10.96.0.1', selector: { app: 'web', tier: 'fe' }, ports: [{ name: 'https', port: 443, targetPort: 6443 }] });
  assert.deepEqual(services.table!.cells(cip, now), ['ClusterIP', '10.96.0.1', '<none>', '443/TCP', '5m', 'app=web,tier=fe']);
  const lb = created({ type: 'LoadBalancer', clusterIP: '10.96.5.5', ports: [{ port: 80, nodePort: 31000 }] });
  assert.deepEqual(services.table!.cells(lb, now).slice(0, 4), ['LoadBalancer', '10.96.5.5', '<pending>', '80:31000/TCP']);
  lb.status = { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } };
  assert.equal(services.table!.cells(lb, now)[2], '203.0.113.7');
  const en = created({ type: 'ExternalName', externalName: 'db.example.com' });
  assert.deepEqual(services.table!.cells(en, now), ['ExternalName', '<none>', 'db.example.com', '<none>', '5m', '<none>']);
  assert.deepEqual(services.table!.columns.map((c) => c.name), ['Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
});

test('a real-world service (as kubectl get -o json returns it) decodes with no unknown fields', () => {
  const real = {
    apiVersion: 'v1', kind: 'Service',
    metadata: {
      name: 'ingress-nginx-controller', namespace: 'ingress-nginx', uid: '7c1f1a36-8f0b-4e0a-9c2e-3d0a1f6b9e11', resourceVersion: '1234',
      creationTimestamp: '2024-03-01T10:00:00Z', labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', time: '2024-03-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:ports': {} } } }],
    },
    spec: {
      type: 'LoadBalancer', selector: { 'app.kubernetes.io/name': 'ingress-nginx' },
      clusterIP: '10.96.120.7', clusterIPs: ['10.96.120.7'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http', nodePort: 31080, appProtocol: 'http' },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 'https', nodePort: 31443, appProtocol: 'https' },
      ],
      sessionAffinity: 'None', externalTrafficPolicy: 'Local', healthCheckNodePort: 32000, internalTrafficPolicy: 'Cluster',
      allocateLoadBalancerNodePorts: true, loadBalancerClass: 'example.com/lb', loadBalancerSourceRanges: ['0.0.0.0/0'],
      publishNotReadyAddresses: false, externalIPs: ['198.51.100.10'], trafficDistribution: 'PreferClose',
    },
    status: { loadBalancer: { ingress: [{ ip: '203.0.113.7', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP' }] }] }, conditions: [] },
  };
  const r = walk(structuredClone(real), services.schema, { dropUnknown: false });
  assert.deepEqual(r, { unknown: [], mismatches: [] });
  assert.deepEqual(validateService(real as unknown as Service), []);
  const typo = walk({ ...real, spec: { ...real.spec, clusterIp: '1.2.3.4' } }, services.schema, { dropUnknown: false });
  assert.deepEqual(typo.unknown, ['spec.clusterIp']);
});

test('status writes are checked: ingress only for LoadBalancer, valid IPs, ipMode defaulted to VIP', () => {
  const old = created({ type: 'LoadBalancer', clusterIP: '10.96.5.5', ports: [{ port: 80 }] });
  const next = structuredClone(old);
  next.status = { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: '10.0.0.1' }] } };
  defaultService(next);
  assert.equal((next.status as { loadBalancer: { ingress: { ipMode?: string }[] } }).loadBalancer.ingress[0]!.ipMode, 'VIP');
  assert.deepEqual(messages(validateServiceUpdate(next, old)), ['status.loadBalancer.ingress[1].hostname: Invalid value: "10.0.0.1": must be a DNS name, not an IP address']);
  const cip = created({ clusterIP: '10.96.0.9', ports: [{ port: 80 }] });
  const withLB = structuredClone(cip);
  withLB.status = { loadBalancer: { ingress: [{ ip: '203.0.113.9', ipMode: 'VIP' }] } };
  assert.deepEqual(messages(validateServiceUpdate(withLB, cip)), ["status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'"]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/resource.js';
import { ApiError } from '../../machinery/errors.js';
import { createServiceHooks, createServiceAllocators, rebuild } from './service-hooks.js';

const live = { dryRun: false };
const dry = { dryRun: true };

function svc(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: structuredClone(spec) };
}
const spec = (o: KubeObject) => o.spec as any;
const clone = (o: KubeObject) => structuredClone(o);

function setup() {
  const alloc = createServiceAllocators();
  return { alloc, hooks: createServiceHooks(alloc) };
}

test('allocates a ClusterIP and its single-stack IPv4 defaults on create', async () => {
  const { alloc, hooks } = setup();
  const s = svc('web', { ports: [{ port: 80 }], selector: { app: 'web' } });
  await hooks.beforeCreate!(s, live);
  assert.ok(alloc.ips.contains(spec(s).clusterIP));
  assert.deepEqual(spec(s).clusterIPs, [spec(s).clusterIP]);
  assert.deepEqual(spec(s).ipFamilies, ['IPv4']);
  assert.equal(spec(s).ipFamilyPolicy, 'SingleStack');
  assert.ok(alloc.ips.has(spec(s).clusterIP));
});

test('refuses an address another Service holds with the Kubernetes message', async () => {
  const { hooks } = setup();
  await hooks.beforeCreate!(svc('a', { clusterIP: '10.96.0.5', ports: [{ port: 80 }] }), live);
  await assert.rejects(async () => hooks.beforeCreate!(svc('b', { clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'], ports: [{ port: 80 }] }), live), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 422);
    assert.equal(e.message, 'Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.5"]: failed to allocate IP 10.96.0.5: provided IP is already allocated');
    return true;
  });
  await assert.rejects(async () => hooks.beforeCreate!(svc('c', { clusterIP: '1.1.1.1' }), live),
    { message: 'Service "c" is invalid: spec.clusterIPs: Invalid value: ["1.1.1.1"]: failed to allocate IP 1.1.1.1: the provided IP (1.1.1.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12' });
});

test('gives headless and ExternalName Services no address', async () => {
  const { alloc, hooks } = setup();
  const headless = svc('h', { clusterIP: 'None', selector: { app: 'x' }, ports: [{ port: 80 }] });
  await hooks.beforeCreate!(headless, live);
  assert.deepEqual(spec(headless).clusterIPs, ['None']);
  const ext = svc('e', { type: 'ExternalName', externalName: 'example.com' });
  await hooks.beforeCreate!(ext, live);
  assert.equal(spec(ext).clusterIP, undefined);
  assert.equal(alloc.ips.allocatedCount, 0);
});

test('allocates NodePorts, honours requested ones and shares one per port number', async () => {
  const { alloc, hooks } = setup();
  const s = svc('np', { type: 'NodePort', ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }, { port: 80, nodePort: 30080 }] });
  await hooks.beforeCreate!(s, live);
  const [udp, tcp, http] = spec(s).ports;
  assert.equal(http.nodePort, 30080);
  assert.ok(alloc.ports.contains(udp.nodePort));
  assert.equal(tcp.nodePort, udp.nodePort);
  assert.equal(alloc.ports.allocatedCount, 2);
  await assert.rejects(async () => hooks.beforeCreate!(svc('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }), live),
    { message: 'Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated' });
});

test('gives back the address when the NodePort part of a create fails', async () => {
  const { alloc, hooks } = setup();
  await hooks.beforeCreate!(svc('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] }), live);
  const before = alloc.ips.allocatedCount;
  await assert.rejects(async () => hooks.beforeCreate!(svc('b', { type: 'NodePort', clusterIP: '10.96.0.7', ports: [{ port: 80, nodePort: 30001 }] }), live));
  assert.equal(alloc.ips.allocatedCount, before);
  assert.ok(!alloc.ips.has('10.96.0.7'));
});

test('rolls back a dry-run or failed create, and only what that write took', async () => {
  const { alloc, hooks } = setup();
  const s = svc('dry', { type: 'NodePort', ports: [{ port: 80 }] });
  await hooks.beforeCreate!(s, dry);
  assert.ok(spec(s).clusterIP, 'a dry run still shows the address it would get');
  await hooks.rollback!(s, null);
  assert.equal(alloc.ips.allocatedCount, 0);
  assert.equal(alloc.ports.allocatedCount, 0);
  // A rollback for an object this hook never reserved for frees nothing.
  const kept = svc('kept', { clusterIP: '10.96.0.9' });
  await hooks.beforeCreate!(kept, live);
  await hooks.rollback!(svc('other', { clusterIP: '10.96.0.9' }), null);
  assert.ok(alloc.ips.has('10.96.0.9'));
  await hooks.rollback!(kept, null);
  await hooks.rollback!(kept, null);
  assert.ok(!alloc.ips.has('10.96.0.9'));
});

test('keeps the ClusterIP on update, filling it in when a PUT leaves it out, and refuses a change', async () => {
  const { hooks } = setup();
  const old = svc('web', { ports: [{ port: 80 }] });
  await hooks.beforeCreate!(old, live);
  const put = svc('web', { ports: [{ port: 8080 }] });
  await hooks.beforeUpdate!(put, old, live);
  assert.equal(spec(put).clusterIP, spec(old).clusterIP);
  const moved = clone(old);
  spec(moved).clusterIP = '10.96.0.20';
  spec(moved).clusterIPs = ['10.96.0.20'];
  await assert.rejects(async () => hooks.beforeUpdate!(moved, old, live), /spec.clusterIPs\[0\]: Invalid value: \["10.96.0.20"\]: may not change once set/);
});

test('allocates NodePorts when a Service becomes NodePort and releases them when it goes back to ClusterIP', async () => {
  const { alloc, hooks } = setup();
  const v1 = svc('web', { ports: [{ port: 80, protocol: 'TCP' }] });
  await hooks.beforeCreate!(v1, live);
  const v2 = clone(v1);
  spec(v2).type = 'NodePort';
  await hooks.beforeUpdate!(v2, v1, live);
  const np = spec(v2).ports[0].nodePort;
  assert.ok(alloc.ports.has(np));
  // A later PUT without the nodePort keeps it.
  const v3 = clone(v2);
  delete spec(v3).ports[0].nodePort;
  await hooks.beforeUpdate!(v3, v2, live);
  assert.equal(spec(v3).ports[0].nodePort, np);
  assert.equal(alloc.ports.allocatedCount, 1);
  const v4 = clone(v3);
  spec(v4).type = 'ClusterIP';
  await hooks.beforeUpdate!(v4, v3, live);
  assert.equal(spec(v4).ports[0].nodePort, undefined);
  assert.ok(!alloc.ports.has(np));
  // The write failed after all: the port is held again.
  await hooks.rollback!(v4, v3);
  assert.ok(alloc.ports.has(np));
});

test('a dry-run update releases nothing and its rollback frees only what it took', async () => {
  const { alloc, hooks } = setup();
  const v1 = svc('web', { type: 'NodePort', ports: [{ port: 80, nodePort: 30500 }] });
  await hooks.beforeCreate!(v1, live);
  const v2 = clone(v1);
  spec(v2).ports = [{ port: 81 }];
  await hooks.beforeUpdate!(v2, v1, dry);
  const fresh = spec(v2).ports[0].nodePort;
  assert.ok(alloc.ports.has(30500), 'the live Service keeps its port during a dry run');
  await hooks.rollback!(v2, v1);
  assert.ok(alloc.ports.has(30500));
  assert.ok(!alloc.ports.has(fresh));
});

test('switches addresses with the ExternalName type', async () => {
  const { alloc, hooks } = setup();
  const ext = svc('e', { type: 'ExternalName', externalName: 'example.com' });
  await hooks.beforeCreate!(ext, live);
  const cip = svc('e', { type: 'ClusterIP', ports: [{ port: 80 }] });
  await hooks.beforeUpdate!(cip, ext, live);
  const ip = spec(cip).clusterIP;
  assert.ok(alloc.ips.has(ip));
  const back = svc('e', { type: 'ExternalName', externalName: 'example.com', clusterIP: ip, clusterIPs: [ip] });
  await hooks.beforeUpdate!(back, cip, live);
  assert.equal(spec(back).clusterIP, undefined);
  assert.ok(!alloc.ips.has(ip));
});

test('allocates a health check port for Local LoadBalancers', async () => {
  const { alloc, hooks } = setup();
  const lb = svc('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] });
  await hooks.beforeCreate!(lb, live);
  assert.ok(alloc.ports.has(spec(lb).healthCheckNodePort));
  assert.equal(alloc.ports.allocatedCount, 2);
  const noPorts = svc('lb2', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }] });
  await hooks.beforeCreate!(noPorts, live);
  assert.equal(spec(noPorts).ports[0].nodePort, undefined);
});

test('releases everything on delete', async () => {
  const { alloc, hooks } = setup();
  const s = svc('np', { type: 'NodePort', ports: [{ port: 80 }] });
  await hooks.beforeCreate!(s, live);
  await hooks.afterDelete!(s);
  assert.equal(alloc.ips.allocatedCount, 0);
  assert.equal(alloc.ports.allocatedCount, 0);
});

test('rebuilds allocations from stored Services and reports clashes', () => {
  const alloc = createServiceAllocators();
  alloc.ips.allocate('10.96.0.99'); // forgotten by the rebuild
  const problems = rebuild(alloc, [
    svc('kubernetes', { clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'] }),
    svc('np', { type: 'NodePort', clusterIP: '10.96.3.4', ports: [{ port: 80, nodePort: 31000 }] }),
    svc('clash', { type: 'NodePort', clusterIP: '10.96.3.5', ports: [{ port: 80, nodePort: 31000 }] }),
    svc('old-cidr', { clusterIP: '172.20.0.1' }),
    svc('headless', { clusterIP: 'None' }),
  ]);
  assert.ok(alloc.ips.has('10.96.0.1') && alloc.ips.has('10.96.3.4') && alloc.ips.has('10.96.3.5'));
  assert.ok(!alloc.ips.has('10.96.0.99'));
  assert.ok(alloc.ports.has(31000));
  assert.deepEqual(problems.map((p) => p.service), ['default/clash', 'default/old-cidr']);
  assert.throws(() => alloc.ips.allocate('10.96.0.1'), /already allocated/);
});

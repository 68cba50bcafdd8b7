import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../api/core/v1/services.js';
import type { EndpointSlice } from '../api/discovery/v1/endpointslices.js';
import { chainNames, diffRules, fullScript, isEmptyDiff, NO_ENDPOINT_NODEPORTS, NO_ENDPOINT_SERVICES, renderDiffs, SERVICE_IPS, SERVICE_NODEPORTS, serviceRules } from './rules.js';

const node = { nodeName: 'n1', nodeIPs: ['10.0.5.1'] };

function svc(spec: NonNullable<Service['spec']>, name = 'web'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name }, spec } as Service;
}
type Ep = EndpointSlice['endpoints'][number];
function slice(endpoints: Ep[], ports = [{ name: 'http', port: 8080, protocol: 'TCP' }], svcName = 'web'): EndpointSlice {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { namespace: 'default', name: `${svcName}-abc`, labels: { 'kubernetes.io/service-name': svcName } }, addressType: 'IPv4', ports, endpoints } as EndpointSlice;
}
const ep = (ip: string, conditions: Ep['conditions'] = { ready: true }, nodeName = 'n2'): Ep => ({ addresses: [ip], conditions, nodeName });
const web = (extra: Partial<NonNullable<Service['spec']>> = {}) => svc({ clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], ...extra });
const names = chainNames('default', 'web', 'tcp', 'http');

test('a ClusterIP service maps its address to a chain balancing over one DNAT chain per endpoint', () => {
  const r = serviceRules(web(), [slice([ep('10.244.1.2'), ep('10.244.1.1')])], node);
  assert.equal(r.elements.get(SERVICE_IPS)?.get('10.96.0.10 . tcp . 80'), `goto ${names.service}`);
  assert.deepEqual(r.chains.get(names.service), [`numgen random mod 2 vmap { 0 : goto ${names.endpoint('10.244.1.1', 8080)} , 1 : goto ${names.endpoint('10.244.1.2', 8080)} }`]);
  assert.deepEqual(r.chains.get(names.endpoint('10.244.1.1', 8080)), ['ip saddr 10.244.1.1 jump mark-for-masquerade', 'meta l4proto tcp dnat to 10.244.1.1:8080']);
  assert.equal(r.elements.get(NO_ENDPOINT_SERVICES), undefined);
});

test('uses only ready endpoints, falling back to serving terminating ones when none is ready', () => {
  const r = serviceRules(web(), [slice([ep('10.244.1.1'), ep('10.244.1.2', { ready: false }), ep('10.244.1.3', { ready: false, serving: true, terminating: true })])], node);
  assert.match(r.chains.get(names.service)![0]!, /mod 1 vmap \{ 0 : goto endpoint-\w+-default\/web\/tcp\/http__10\.244\.1\.1\/8080 \}/);
  const t = serviceRules(web(), [slice([ep('10.244.1.2', { ready: false }), ep('10.244.1.3', { ready: false, serving: true, terminating: true })])], node);
  assert.match(t.chains.get(names.service)![0]!, /mod 1 .*10\.244\.1\.3\/8080/);
  assert.ok(!t.chains.has(names.endpoint('10.244.1.2', 8080)));
});

test('a service without usable endpoints is rejected, not routed', () => {
  const r = serviceRules(web(), [slice([ep('10.244.1.2', { ready: false })])], node);
  assert.equal(r.elements.get(NO_ENDPOINT_SERVICES)?.get('10.96.0.10 . tcp . 80'), 'goto reject-chain');
  assert.equal(r.elements.get(SERVICE_IPS), undefined);
  assert.equal(r.chains.size, 0);
});

test('internalTrafficPolicy Local uses local endpoints and drops when there are none here', () => {
  const r = serviceRules(web({ internalTrafficPolicy: 'Local' }), [slice([ep('10.244.1.1', { ready: true }, 'n1'), ep('10.244.1.2')])], node);
  assert.match(r.chains.get(names.service)![0]!, /mod 1 .*10\.244\.1\.1\/8080/);
  const none = serviceRules(web({ internalTrafficPolicy: 'Local' }), [slice([ep('10.244.1.2')])], node);
  assert.equal(none.elements.get(NO_ENDPOINT_SERVICES)?.get('10.96.0.10 . tcp . 80'), 'drop');
});

test('a NodePort goes through an external chain that masquerades, except with externalTrafficPolicy Local', () => {
  const spec = { type: 'NodePort', ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 }] };
  const r = serviceRules(web(spec), [slice([ep('10.244.1.1'), ep('10.244.1.2', { ready: true }, 'n1')])], node);
  assert.equal(r.elements.get(SERVICE_NODEPORTS)?.get('tcp . 30080'), `goto ${names.external}`);
  assert.equal(r.chains.get(names.external)![0], 'jump mark-for-masquerade');
  assert.match(r.chains.get(names.external)![1]!, /mod 2/);
  const local = serviceRules(web({ ...spec, externalTrafficPolicy: 'Local' }), [slice([ep('10.244.1.1'), ep('10.244.1.2', { ready: true }, 'n1')])], node);
  assert.deepEqual(local.chains.get(names.external)!.length, 1);
  assert.match(local.chains.get(names.external)![0]!, /mod 1 .*10\.244\.1\.2\/8080/);
  const empty = serviceRules(web(spec), [], node);
  assert.equal(empty.elements.get(NO_ENDPOINT_NODEPORTS)?.get('tcp . 30080'), 'goto reject-chain');
});

test('externalIPs and UDP ports are routed; ExternalName services get no rules', () => {
  const s = svc({ clusterIP: '10.96.0.53', externalIPs: ['192.0.2.7'], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }, 'dns');
  const r = serviceRules(s, [slice([ep('10.244.1.9')], [{ name: 'dns', port: 5353, protocol: 'UDP' }], 'dns')], node);
  const n = chainNames('default', 'dns', 'udp', 'dns');
  assert.equal(r.elements.get(SERVICE_IPS)?.get('10.96.0.53 . udp . 53'), `goto ${n.service}`);
  assert.equal(r.elements.get(SERVICE_IPS)?.get('192.0.2.7 . udp . 53'), `goto ${n.external}`);
  assert.deepEqual(r.chains.get(n.endpoint('10.244.1.9', 5353))!.at(-1), 'meta l4proto udp dnat to 10.244.1.9:5353');
  const en = serviceRules(svc({ type: 'ExternalName', externalName: 'example.com' }), [], node);
  assert.equal(en.chains.size + en.elements.size, 0);
});

test('ClientIP affinity remembers clients in a timed set per endpoint and checks them first', () => {
  const r = serviceRules(web({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }), [slice([ep('10.244.1.1')])], node);
  const set = names.affinity('10.244.1.1', 8080);
  assert.equal(r.sets.get(set), 'type ipv4_addr ; flags dynamic,timeout ; timeout 60s ;');
  assert.deepEqual(r.chains.get(names.service)![0], `ip saddr @${set} goto ${names.endpoint('10.244.1.1', 8080)}`);
  assert.ok(r.chains.get(names.endpoint('10.244.1.1', 8080))!.includes(`update @${set} { ip saddr }`));
});

test('endpoints going 2 -> 1 rewrite only the service chain and delete the stale endpoint chain', () => {
  const a = serviceRules(web(), [slice([ep('10.244.1.1'), ep('10.244.1.2')])], node);
  const b = serviceRules(web(), [slice([ep('10.244.1.1')])], node);
  const d = diffRules(a, b);
  assert.deepEqual(d.addChains, []);
  assert.deepEqual(d.flushChains, [names.service]);
  assert.deepEqual(d.delChains, [names.endpoint('10.244.1.2', 8080)]);
  assert.deepEqual(d.addElements, []);
  assert.ok(isEmptyDiff(diffRules(b, serviceRules(web(), [slice([ep('10.244.1.1')])], node))));
  const script = renderDiffs([d]);
  assert.ok(!/table|flush table|delete table/.test(script.replace(/ip k8ts-proxy/g, '')), 'no table-wide operation');
  assert.ok(script.indexOf(`flush chain ip k8ts-proxy ${names.service}`) < script.indexOf(`delete chain ip k8ts-proxy ${names.endpoint('10.244.1.2', 8080)}`));
});

test('a deleted service loses its map elements before its chains, and a new one gets chains before elements', () => {
  const a = serviceRules(web(), [slice([ep('10.244.1.1')])], node);
  const gone = renderDiffs([diffRules(a, undefined)]).split('\n');
  const delEl = gone.findIndex((l) => l.startsWith('delete element ip k8ts-proxy service-ips { 10.96.0.10 . tcp . 80 }'));
  const delChain = gone.findIndex((l) => l.startsWith(`delete chain ip k8ts-proxy ${names.service}`));
  assert.ok(delEl >= 0 && delChain > delEl);
  const added = renderDiffs([diffRules(undefined, a)]).split('\n');
  assert.ok(added.findIndex((l) => l.startsWith('add chain')) < added.findIndex((l) => l.startsWith('add element')));
});

test('a service gaining endpoints moves from the reject map to the service map in one batch', () => {
  const a = serviceRules(web(), [], node);
  const b = serviceRules(web(), [slice([ep('10.244.1.1')])], node);
  const d = diffRules(a, b);
  assert.deepEqual(d.delElements, [[NO_ENDPOINT_SERVICES, '10.96.0.10 . tcp . 80']]);
  assert.deepEqual(d.addElements, [[SERVICE_IPS, '10.96.0.10 . tcp . 80', `goto ${names.service}`]]);
});

test('a changed affinity timeout recreates the set and rewrites the chains that use it', () => {
  const a = serviceRules(web({ sessionAffinity: 'ClientIP' }), [slice([ep('10.244.1.1')])], node);
  const b = serviceRules(web({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } } }), [slice([ep('10.244.1.1')])], node);
  const d = diffRules(a, b);
  const set = names.affinity('10.244.1.1', 8080);
  assert.deepEqual(d.delSets, [set]);
  assert.ok(d.flushChains.includes(names.service) && d.flushChains.includes(names.endpoint('10.244.1.1', 8080)));
  const lines = renderDiffs([d]).split('\n');
  const del = lines.indexOf(`delete set ip k8ts-proxy ${set}`);
  const add = lines.findIndex((l) => l.startsWith(`add set ip k8ts-proxy ${set}`));
  const use = lines.findIndex((l) => l.includes(`@${set} `) && l.startsWith('add rule'));
  assert.ok(del >= 0 && add > del && use > add, lines.join('\n'));
});

test('a full script replaces only our table atomically', () => {
  const s = fullScript(node, [serviceRules(web(), [slice([ep('10.244.1.1')])], node)]);
  assert.ok(s.startsWith('add table ip k8ts-proxy\ndelete table ip k8ts-proxy\ntable ip k8ts-proxy {'));
  assert.ok(!/flush ruleset/.test(s));
  assert.match(s, /set nodeport-ips \{ type ipv4_addr ; elements = \{ 10\.0\.5\.1 \} \}/);
});

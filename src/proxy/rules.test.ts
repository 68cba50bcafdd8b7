import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../api/core/v1/services.js';
import type { EndpointSlice } from '../api/discovery/v1/endpointslices.js';
import { ALL_TABLES, chainNames, cleanupScript, diffRules, endpointMap, fullScript, HAIRPIN_ENDPOINTS, inTable, isEmptyDiff, MAIN_HAIRPIN, MAIN_NO_ENDPOINT_NODEPORTS, MAIN_NO_ENDPOINT_SERVICES, renderDiffs, SERVICE_IPS, SERVICE_NODEPORTS, SERVICE_TABLES, serviceRules } from './rules.js';
import { MemberCounts } from './members.js';
import { BLOCK_SIZE, EndpointBlocks } from './blocks.js';

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
const epMap = endpointMap('tcp', names.shard);
// ServiceRules name what they hold `<table> <name>`: the service's own table, or the main one.
const T0 = names.table;
const q = (n: string) => inTable(T0, n);
const [svcChain, extChain, epMapQ, IPS, NODEPORTS] = [q(names.service), q(names.external), q(epMap), q(SERVICE_IPS), q(SERVICE_NODEPORTS)];

test('a ClusterIP service maps its address to one chain whose one rule picks an endpoint at random and DNATs to it', () => {
  const r = serviceRules(web(), [slice([ep('10.244.1.2'), ep('10.244.1.1')])], node);
  assert.equal(r.elements.get(IPS)?.get('10.96.0.10 . tcp . 80'), `goto ${names.service}`);
  assert.deepEqual(r.chains.get(svcChain), [`meta l4proto tcp dnat to numgen random mod 2 map @${epMap}`]);
  // The endpoints, sorted, are the keys 0..N-1 of the chain's block in its shard's endpoint map.
  assert.deepEqual([...r.elements.get(epMapQ)!], [['0', '10.244.1.1 . 8080'], ['1', '10.244.1.2 . 8080']]);
  assert.equal(r.chains.size, 1, 'no chain per endpoint');
  // Hairpin: each endpoint reaching itself through the service is masqueraded in postrouting.
  assert.deepEqual([...r.members.get(MAIN_HAIRPIN)!].sort(), ['10.244.1.1 . 10.244.1.1', '10.244.1.2 . 10.244.1.2']);
  assert.equal(r.elements.get(MAIN_NO_ENDPOINT_SERVICES), undefined);
});

test('the numgen lookup covers exactly the N endpoint keys of the chain block, so each is picked with probability 1/N', () => {
  const blocks = new EndpointBlocks();
  serviceRules(svc({ clusterIP: '10.96.0.9', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }, 'other'), [slice([ep('10.244.3.1'), ep('10.244.3.2')], undefined, 'other')], node, blocks);
  for (const n of [2, 3, 7, 10]) {
    const r = serviceRules(web(), [slice(Array.from({ length: n }, (_, i) => ep(`10.244.2.${i + 1}`)))], node, blocks);
    const [rule] = r.chains.get(svcChain)!;
    const m = /numgen random mod (\d+)(?: offset (\d+))? map @(\S+)$/.exec(rule!);
    assert.ok(m, rule);
    const [mod, offset, map] = [Number(m[1]), Number(m[2] ?? 0), m[3]!];
    assert.equal(mod, n);
    assert.equal(offset % BLOCK_SIZE, 0);
    const keys = [...r.elements.get(q(map))!.keys()].map(Number);
    assert.deepEqual(keys, Array.from({ length: n }, (_, i) => offset + i), 'numgen yields offset..offset+N-1, one key per endpoint');
    assert.equal(new Set(r.elements.get(q(map))!.values()).size, n, 'each endpoint once');
  }
});

test('with ClientIP affinity the numgen cascade picks each of N endpoints with probability 1/N', () => {
  for (const n of [1, 2, 3, 7, 10]) {
    const r = serviceRules(web({ sessionAffinity: 'ClientIP' }), [slice(Array.from({ length: n }, (_, i) => ep(`10.244.2.${i + 1}`)))], node);
    const rules = r.chains.get(svcChain)!.filter((x) => !x.startsWith('ip saddr @'));
    assert.equal(rules.length, n);
    let reach = 1; // probability that no earlier rule matched
    for (const [i, rule] of rules.entries()) {
      const m = /numgen random mod (\d+) 0 /.exec(rule);
      const p = m ? 1 / Number(m[1]) : 1;
      assert.ok(Math.abs(reach * p - 1 / n) < 1e-12, `endpoint ${i} of ${n}: ${reach * p}`);
      reach *= 1 - p;
    }
    assert.ok(reach < 1e-12, 'the last rule always matches');
  }
});

test('endpoints changing with the same count rewrite endpoint map elements only, never the rule', () => {
  const blocks = new EndpointBlocks();
  const a = serviceRules(web(), [slice([ep('10.244.1.1'), ep('10.244.1.2'), ep('10.244.1.3')])], node, blocks);
  const b = serviceRules(web(), [slice([ep('10.244.1.1'), ep('10.244.1.3'), ep('10.244.1.4')])], node, blocks);
  const d = diffRules(a, b);
  assert.deepEqual(d.addChains, []);
  assert.deepEqual(d.flushChains, []);
  assert.deepEqual(d.writeRules, []);
  assert.deepEqual(d.delElements, [[epMapQ, '1'], [epMapQ, '2']]);
  assert.deepEqual(d.addElements, [[epMapQ, '1', '10.244.1.3 . 8080'], [epMapQ, '2', '10.244.1.4 . 8080']]);
  const script = renderDiffs([d], MemberCounts.of([a]));
  assert.ok(!/ rule | chain /.test(script), script);
  // Deletes come before adds, so a key changing hands within one transaction never collides.
  assert.ok(script.indexOf(`delete element ip ${T0} ${epMap} { 2 }`) < script.indexOf(`add element ip ${T0} ${epMap} { 1 : `));
});

test('chains get distinct blocks; a freed block is reused', () => {
  const blocks = new EndpointBlocks();
  const o1 = blocks.offsetOf(3, 'service-A');
  const o2 = blocks.offsetOf(3, 'service-B');
  assert.notEqual(o1, o2);
  assert.equal(blocks.offsetOf(3, 'service-A'), o1, 'a chain keeps its block');
  assert.equal(blocks.offsetOf(4, 'service-C'), 0, 'each shard has its own keys');
  blocks.release('service-A');
  assert.equal(blocks.offsetOf(3, 'service-D'), o1);
  assert.equal(blocks.size, 3);
  // A single endpoint needs no map: a plain DNAT, and the chain gives its block back.
  const many = serviceRules(web(), [slice([ep('10.244.1.1'), ep('10.244.1.2')])], node, blocks);
  assert.ok(blocks.has(svcChain) && many.elements.has(epMapQ));
  const one = serviceRules(web(), [slice([ep('10.244.1.1')])], node, blocks);
  assert.deepEqual(one.chains.get(svcChain), ['meta l4proto tcp dnat to 10.244.1.1:8080']);
  assert.ok(!blocks.has(svcChain));
  assert.equal(one.elements.get(epMapQ), undefined);
});

test('uses only ready endpoints, falling back to serving terminating ones when none is ready', () => {
  const r = serviceRules(web(), [slice([ep('10.244.1.1'), ep('10.244.1.2', { ready: false }), ep('10.244.1.3', { ready: false, serving: true, terminating: true })])], node);
  assert.deepEqual(r.chains.get(svcChain), ['meta l4proto tcp dnat to 10.244.1.1:8080']);
  const t = serviceRules(web(), [slice([ep('10.244.1.2', { ready: false }), ep('10.244.1.3', { ready: false, serving: true, terminating: true })])], node);
  assert.deepEqual(t.chains.get(svcChain), ['meta l4proto tcp dnat to 10.244.1.3:8080']);
  assert.deepEqual([...t.members.get(MAIN_HAIRPIN)!], ['10.244.1.3 . 10.244.1.3']);
});

test('a service without usable endpoints is rejected, not routed', () => {
  const r = serviceRules(web(), [slice([ep('10.244.1.2', { ready: false })])], node);
  assert.equal(r.elements.get(MAIN_NO_ENDPOINT_SERVICES)?.get('10.96.0.10 . tcp . 80'), 'goto reject-chain');
  assert.equal(r.elements.get(IPS), undefined);
  assert.equal(r.chains.size, 0);
});

test('internalTrafficPolicy Local uses local endpoints and drops when there are none here', () => {
  const r = serviceRules(web({ internalTrafficPolicy: 'Local' }), [slice([ep('10.244.1.1', { ready: true }, 'n1'), ep('10.244.1.2')])], node);
  assert.deepEqual(r.chains.get(svcChain), ['meta l4proto tcp dnat to 10.244.1.1:8080']);
  const none = serviceRules(web({ internalTrafficPolicy: 'Local' }), [slice([ep('10.244.1.2')])], node);
  assert.equal(none.elements.get(MAIN_NO_ENDPOINT_SERVICES)?.get('10.96.0.10 . tcp . 80'), 'drop');
});

test('a NodePort goes through an external chain that masquerades, except with externalTrafficPolicy Local', () => {
  const spec = { type: 'NodePort', ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 }] };
  const r = serviceRules(web(spec), [slice([ep('10.244.1.1'), ep('10.244.1.2', { ready: true }, 'n1')])], node);
  assert.equal(r.elements.get(NODEPORTS)?.get('tcp . 30080'), `goto ${names.external}`);
  assert.equal(r.chains.get(extChain)![0], 'jump mark-for-masquerade');
  assert.match(r.chains.get(extChain)![1]!, new RegExp(`^meta l4proto tcp dnat to numgen random mod 2( offset \\d+)? map @${epMap}$`));
  assert.equal(r.chains.get(extChain)!.length, 2);
  const local = serviceRules(web({ ...spec, externalTrafficPolicy: 'Local' }), [slice([ep('10.244.1.1'), ep('10.244.1.2', { ready: true }, 'n1')])], node);
  assert.deepEqual(local.chains.get(extChain), ['meta l4proto tcp dnat to 10.244.1.2:8080']);
  const empty = serviceRules(web(spec), [], node);
  assert.equal(empty.elements.get(MAIN_NO_ENDPOINT_NODEPORTS)?.get('tcp . 30080'), 'goto reject-chain');
});

test('externalIPs and UDP ports are routed; ExternalName services get no rules', () => {
  const s = svc({ clusterIP: '10.96.0.53', externalIPs: ['192.0.2.7'], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }, 'dns');
  const r = serviceRules(s, [slice([ep('10.244.1.9')], [{ name: 'dns', port: 5353, protocol: 'UDP' }], 'dns')], node);
  const n = chainNames('default', 'dns', 'udp', 'dns');
  assert.equal(r.elements.get(inTable(n.table, SERVICE_IPS))?.get('10.96.0.53 . udp . 53'), `goto ${n.service}`);
  assert.equal(r.elements.get(inTable(n.table, SERVICE_IPS))?.get('192.0.2.7 . udp . 53'), `goto ${n.external}`);
  assert.deepEqual(r.chains.get(inTable(n.table, n.service)), ['meta l4proto udp dnat to 10.244.1.9:5353']);
  assert.deepEqual(r.chains.get(inTable(n.table, n.external)), ['jump mark-for-masquerade', 'meta l4proto udp dnat to 10.244.1.9:5353']);
  const en = serviceRules(svc({ type: 'ExternalName', externalName: 'example.com' }), [], node);
  assert.equal(en.chains.size + en.elements.size, 0);
});

test('ClientIP affinity remembers clients in a timed set per endpoint and checks them first', () => {
  const r = serviceRules(web({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }), [slice([ep('10.244.1.1'), ep('10.244.1.2')])], node);
  const [a, b] = [names.affinity('10.244.1.1', 8080), names.affinity('10.244.1.2', 8080)];
  assert.equal(r.sets.get(q(a)), 'type ipv4_addr ; flags dynamic,timeout ; timeout 60s ;');
  assert.deepEqual(r.chains.get(svcChain), [
    // A remembered client goes back to its endpoint (and is remembered again)...
    `ip saddr @${a} meta l4proto tcp update @${a} { ip saddr } dnat to 10.244.1.1:8080`,
    `ip saddr @${b} meta l4proto tcp update @${b} { ip saddr } dnat to 10.244.1.2:8080`,
    // ...a new one is balanced and recorded in the set of the endpoint it got.
    `meta l4proto tcp numgen random mod 2 0 update @${a} { ip saddr } dnat to 10.244.1.1:8080`,
    `meta l4proto tcp update @${b} { ip saddr } dnat to 10.244.1.2:8080`,
  ]);
});

test('endpoints going 2 -> 1 rewrite only the service chain, drop its map elements and the stale hairpin element', () => {
  const blocks = new EndpointBlocks();
  const a = serviceRules(web(), [slice([ep('10.244.1.1'), ep('10.244.1.2')])], node, blocks);
  const b = serviceRules(web(), [slice([ep('10.244.1.1')])], node, blocks);
  const d = diffRules(a, b);
  assert.deepEqual(d.addChains, []);
  assert.deepEqual(d.flushChains, [svcChain]);
  assert.deepEqual(d.delChains, []);
  assert.deepEqual(d.addElements, []);
  assert.deepEqual(d.delElements, [[epMapQ, '0'], [epMapQ, '1']]);
  assert.deepEqual(d.delMembers, [[MAIN_HAIRPIN, '10.244.1.2 . 10.244.1.2']]);
  assert.ok(isEmptyDiff(diffRules(b, serviceRules(web(), [slice([ep('10.244.1.1')])], node, blocks))));
  const script = renderDiffs([d], MemberCounts.of([a]));
  assert.ok(!/table|flush table|delete table/.test(script.replace(/ip k8ts-proxy(-\d+)?/g, '')), 'no table-wide operation');
  assert.deepEqual(script.trim().split('\n'), [
    `flush chain ip ${T0} ${names.service}`,
    `add rule ip ${T0} ${names.service} meta l4proto tcp dnat to 10.244.1.1:8080`,
    `delete element ip ${T0} ${epMap} { 0 }`,
    `delete element ip ${T0} ${epMap} { 1 }`,
    `delete element ip k8ts-proxy ${HAIRPIN_ENDPOINTS} { 10.244.1.2 . 10.244.1.2 }`,
  ]);
});

test('a hairpin element shared by two services stays until the last of them lets go of it', () => {
  const one = serviceRules(web(), [slice([ep('10.244.1.1')])], node);
  const other = serviceRules(svc({ clusterIP: '10.96.0.11', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }, 'api'), [slice([ep('10.244.1.1')], undefined, 'api')], node);
  const counts = MemberCounts.of([one, other]);
  const drop = [diffRules(one, undefined)];
  assert.ok(!renderDiffs(drop, counts).includes(HAIRPIN_ENDPOINTS), 'still held by the other service');
  counts.commit(drop);
  assert.ok(counts.has(MAIN_HAIRPIN, '10.244.1.1 . 10.244.1.1'));
  const last = [diffRules(other, undefined)];
  assert.match(renderDiffs(last, counts), /delete element ip k8ts-proxy hairpin-endpoints \{ 10\.244\.1\.1 \. 10\.244\.1\.1 \}/);
  counts.commit(last);
  assert.equal(counts.size, 0);
  // One service leaving and another arriving with the same endpoint in one batch: no change at all.
  const swap = [diffRules(one, undefined), diffRules(undefined, other)];
  assert.ok(!renderDiffs(swap, MemberCounts.of([one])).includes(HAIRPIN_ENDPOINTS));
});

test('a deleted service loses its map elements before its chains, and a new one gets chains before elements', () => {
  const a = serviceRules(web(), [slice([ep('10.244.1.1')])], node);
  const gone = renderDiffs([diffRules(a, undefined)], MemberCounts.of([a])).split('\n');
  const delEl = gone.findIndex((l) => l.startsWith(`delete element ip ${T0} service-ips { 10.96.0.10 . tcp . 80 }`));
  const delChain = gone.findIndex((l) => l.startsWith(`delete chain ip ${T0} ${names.service}`));
  assert.ok(delEl >= 0 && delChain > delEl);
  const added = renderDiffs([diffRules(undefined, a)], new MemberCounts()).split('\n');
  assert.ok(added.findIndex((l) => l.startsWith('add chain')) < added.findIndex((l) => l.startsWith('add element')));
});

test('a service gaining endpoints moves from the reject map to the service map in one batch', () => {
  const a = serviceRules(web(), [], node);
  const b = serviceRules(web(), [slice([ep('10.244.1.1')])], node);
  const d = diffRules(a, b);
  assert.deepEqual(d.delElements, [[MAIN_NO_ENDPOINT_SERVICES, '10.96.0.10 . tcp . 80']]);
  assert.deepEqual(d.addElements, [[IPS, '10.96.0.10 . tcp . 80', `goto ${names.service}`]]);
});

test('a changed affinity timeout recreates the set and rewrites the chains that use it', () => {
  const a = serviceRules(web({ sessionAffinity: 'ClientIP' }), [slice([ep('10.244.1.1')])], node);
  const b = serviceRules(web({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } } }), [slice([ep('10.244.1.1')])], node);
  const d = diffRules(a, b);
  const set = names.affinity('10.244.1.1', 8080);
  assert.deepEqual(d.delSets, [q(set)]);
  assert.deepEqual(d.flushChains, [svcChain]);
  const lines = renderDiffs([d], MemberCounts.of([a])).split('\n');
  const del = lines.indexOf(`delete set ip ${T0} ${set}`);
  const add = lines.findIndex((l) => l.startsWith(`add set ip ${T0} ${set}`));
  const use = lines.findIndex((l) => l.includes(`@${set} `) && l.startsWith('add rule'));
  assert.ok(del >= 0 && add > del && use > add, lines.join('\n'));
});

test('a full script replaces only our tables atomically, each service table with its own NAT hooks', () => {
  const s = fullScript(node, [serviceRules(web(), [slice([ep('10.244.1.1')])], node)]);
  assert.equal(ALL_TABLES.length, SERVICE_TABLES + 1);
  assert.ok(s.startsWith(cleanupScript()));
  for (const t of ALL_TABLES) assert.ok(cleanupScript().includes(`add table ip ${t}\ndelete table ip ${t}\n`), t);
  assert.ok(!/flush ruleset/.test(s));
  assert.match(s, /set nodeport-ips \{ type ipv4_addr ; elements = \{ 10\.0\.5\.1 \} \}/);
  assert.match(s, new RegExp(`table ip ${T0} \\{\\n  chain ${names.service.replace(/[/.]/g, '\\$&')} \\{\\n    meta l4proto tcp dnat to 10\\.244\\.1\\.1:8080\\n  \\}`));
  assert.match(s, new RegExp(`add element ip ${T0} service-ips \\{ 10\\.96\\.0\\.10 \\. tcp \\. 80 : goto service-`));
  assert.match(s, /add element ip k8ts-proxy hairpin-endpoints \{ 10\.244\.1\.1 \. 10\.244\.1\.1 \}/);
  // Every service table dispatches from both NAT hooks; the main table from neither.
  for (let k = 0; k < SERVICE_TABLES; k++) {
    const block = s.slice(s.indexOf(`table ip k8ts-proxy-${k} {`));
    const body = block.slice(0, block.indexOf('\n}'));
    for (const hook of ['prerouting', 'output']) assert.match(body, new RegExp(`type nat hook ${hook} .* vmap @service-ips ; ip daddr @nodeport-ips meta l4proto \\. th dport vmap @service-nodeports ;`));
  }
  const main = s.slice(s.indexOf('table ip k8ts-proxy {'));
  assert.doesNotMatch(main.slice(0, main.indexOf('\n}')), /hook prerouting|service-ips/);
  // Each endpoint map shard lives in the table of the chains that use it.
  const skeleton = (t: string) => { const b = s.slice(s.indexOf(`table ip ${t} {`)); return b.slice(0, b.indexOf('\n}')); };
  assert.ok(skeleton('k8ts-proxy-0').includes('\n  map service-endpoints-tcp-0 { typeof numgen random mod 1 : ip daddr . tcp dport ; }'));
  assert.ok(skeleton(`k8ts-proxy-${31 % SERVICE_TABLES}`).includes('\n  map service-endpoints-udp-31 { typeof numgen random mod 1 : ip daddr . udp dport ; }'));
  assert.ok(skeleton(T0).includes(`\n  map ${epMap} `));
  const two = fullScript(node, [serviceRules(web(), [slice([ep('10.244.1.1'), ep('10.244.1.2')])], node)]);
  assert.match(two, new RegExp(`add element ip ${T0} ${epMap} \\{ 0 : 10\\.244\\.1\\.1 \\. 8080 , 1 : 10\\.244\\.1\\.2 \\. 8080 \\}`));
});

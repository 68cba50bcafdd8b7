// The netlink fast path against the real kernel: the same incremental scripts applied through the
// netlink relay in one network namespace and through nft in another must leave identical rulesets
// (as `nft -j list ruleset` reads them back), batches the kernel refuses change nothing, and lines
// the encoder does not know go to nft.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../../src/api/core/v1/services.js';
import type { EndpointSlice } from '../../src/api/discovery/v1/endpointslices.js';
import { nftRunner, type NftRunner } from '../../src/proxy/nft.js';
import { EndpointBlocks } from '../../src/proxy/blocks.js';
import { MemberCounts } from '../../src/proxy/members.js';
import { diffRules, fullScript, renderDiffs, serviceRules, type ServiceRules } from '../../src/proxy/rules.js';
import { compileScript } from '../../src/proxy/netlink/compile.js';
import { createNetns, type TestNetns } from './netns.js';

const NODE = { nodeName: 'n1', nodeIPs: ['10.0.5.1'] };
let fast: TestNetns;
let slow: TestNetns;
let viaNetlink: NftRunner;
let viaNft: NftRunner;

type Kind = { endpoints: number; nodePort?: number; protocol?: 'TCP' | 'UDP' | 'SCTP'; affinity?: boolean; local?: boolean };
function service(i: number, k: Kind): Service {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name: `svc-${i}` },
    spec: {
      clusterIP: `10.96.${i >> 8}.${i & 255}`, type: k.nodePort ? 'NodePort' : 'ClusterIP',
      ...(k.affinity ? { sessionAffinity: 'ClientIP' } : {}), ...(k.local ? { externalTrafficPolicy: 'Local' } : {}),
      ports: [{ name: 'p', port: 80, protocol: k.protocol ?? 'TCP', ...(k.nodePort ? { nodePort: k.nodePort } : {}) }],
    },
  } as Service;
}
function slice(i: number, k: Kind, shift = 0): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
    metadata: { namespace: 'default', name: `svc-${i}-1`, labels: { 'kubernetes.io/service-name': `svc-${i}` } },
    ports: [{ name: 'p', port: 8080, protocol: k.protocol ?? 'TCP' }],
    endpoints: Array.from({ length: k.endpoints }, (_, j) => ({ addresses: [`10.244.${i & 255}.${j + 1 + shift}`], conditions: { ready: true }, nodeName: j === 0 ? 'n1' : 'n2' })),
  } as EndpointSlice;
}

/** The ruleset without what differs between two identical rulesets: handles. */
async function ruleset(ns: TestNetns): Promise<string> {
  const j = JSON.parse(await ns.exec('nft', ['-j', 'list', 'ruleset']));
  const items = (j.nftables as any[]).filter((x) => !x.metainfo).map((x) => {
    const [kind, v] = Object.entries(x)[0] as [string, any];
    const { handle: _h, ...rest } = v;
    if (rest.elem) rest.elem = [...rest.elem].map((e: unknown) => JSON.stringify(e)).sort();
    return `${kind} ${JSON.stringify(rest)}`;
  });
  return items.sort().join('\n');
}

before(async () => {
  fast = await createNetns('k8ts-nlf');
  slow = await createNetns('k8ts-nls');
  viaNetlink = nftRunner({ netns: fast.name, resident: true, netlink: true, timeoutMs: 20_000 });
  viaNft = nftRunner({ netns: slow.name, resident: true, timeoutMs: 20_000 });
});

after(async () => {
  await viaNetlink?.close?.();
  await viaNft?.close?.();
  await fast?.close();
  await slow?.close();
});

test('incremental syncs written as netlink messages leave the same ruleset as through nft', async () => {
  const kinds: Kind[] = [
    { endpoints: 3 }, { endpoints: 1 }, { endpoints: 0 }, { endpoints: 2, nodePort: 30100 }, { endpoints: 2, nodePort: 30101, local: true },
    { endpoints: 4, protocol: 'UDP' }, { endpoints: 2, protocol: 'SCTP' }, { endpoints: 0, nodePort: 30102 }, { endpoints: 5 },
  ];
  const blocks = new EndpointBlocks();
  const applied = new Map<number, ServiceRules | undefined>();
  for (let i = 0; i < kinds.length; i++) applied.set(i, serviceRules(service(i, kinds[i]!), [slice(i, kinds[i]!)], NODE, blocks));
  const full = fullScript(NODE, [...applied.values()].filter((r): r is ServiceRules => !!r));
  await viaNetlink.apply(full);
  await viaNft.apply(full);
  const members = MemberCounts.of([...applied.values()].filter((r): r is ServiceRules => !!r));
  // One change per step, both ways; every step's script must take the netlink path.
  const steps: [number, Kind | undefined, number?][] = [
    [20, { endpoints: 3 }], [21, { endpoints: 1, nodePort: 30120 }], [0, { endpoints: 3 }, 1], [0, { endpoints: 2 }], [1, { endpoints: 4 }],
    [2, { endpoints: 2 }], [5, { endpoints: 0, protocol: 'UDP' }], [3, undefined], [8, { endpoints: 1 }], [20, undefined],
    [22, { endpoints: 2, protocol: 'SCTP', nodePort: 30122 }], [7, { endpoints: 3, nodePort: 30102 }], [4, { endpoints: 1, nodePort: 30101, local: true }],
  ];
  let expectedNetlink = 0;
  for (const [i, k, shift] of steps) {
    const next = k ? serviceRules(service(i, k), [slice(i, k, shift)], NODE, blocks) : undefined;
    for (const c of applied.get(i)?.chains.keys() ?? []) if (!next?.chains.has(c)) blocks.release(c);
    const d = diffRules(applied.get(i), next);
    const script = renderDiffs([d], members);
    assert.ok(compileScript(script), `the encoder takes every line of:\n${script}`);
    await viaNetlink.apply(script);
    await viaNft.apply(script);
    members.commit([d]);
    applied.set(i, next);
    expectedNetlink++;
    assert.equal(await ruleset(fast), await ruleset(slow), `after service ${i} -> ${JSON.stringify(k)}:\n${script}`);
  }
  assert.equal(viaNetlink.netlinkTransactions!(), expectedNetlink);
  assert.equal(viaNft.netlinkTransactions!(), 0);
});

test('a batch the kernel refuses is applied not at all and rejects; the next one works', async () => {
  const before = await ruleset(fast);
  const script = 'add chain ip k8ts-proxy-0 half-made\nadd element ip k8ts-proxy hairpin-endpoints { 10.9.9.9 . 10.9.9.9 }\nadd rule ip k8ts-proxy-0 no-such-chain jump half-made\n';
  assert.ok(compileScript(script));
  await assert.rejects(viaNetlink.apply(script), /nf_tables refused message 3 of 3: errno 2/);
  assert.equal(await ruleset(fast), before, 'nothing of the refused batch is in the kernel');
  await viaNetlink.apply('add element ip k8ts-proxy hairpin-endpoints { 10.9.9.9 . 10.9.9.9 }\n');
  assert.match(await fast.exec('nft', ['list', 'set', 'ip', 'k8ts-proxy', 'hairpin-endpoints']), /10\.9\.9\.9 \. 10\.9\.9\.9/);
});

test('lines the encoder does not know (affinity sets) go through nft', async () => {
  const r = serviceRules(service(40, { endpoints: 2, affinity: true }), [slice(40, { endpoints: 2 })], NODE);
  const script = renderDiffs([diffRules(undefined, r)], new MemberCounts());
  assert.equal(compileScript(script), null);
  const n = viaNetlink.netlinkTransactions!();
  await viaNetlink.apply(script);
  assert.equal(viaNetlink.netlinkTransactions!(), n);
  assert.match(await fast.exec('nft', ['list', 'ruleset']), /affinity-/);
});

test('without a relay (no perl) the runner falls back to nft for good', async () => {
  const runner = nftRunner({ netns: fast.name, resident: true, netlink: true, perl: '/nonexistent/perl', timeoutMs: 20_000 });
  try {
    for (const ip of ['10.9.8.1', '10.9.8.2']) {
      const script = `add element ip k8ts-proxy hairpin-endpoints { ${ip} . ${ip} }\n`;
      assert.ok(compileScript(script));
      await runner.apply(script);
      assert.match(await fast.exec('nft', ['list', 'set', 'ip', 'k8ts-proxy', 'hairpin-endpoints']), new RegExp(ip.replace(/\./g, '\\.')));
    }
    assert.equal(runner.netlinkTransactions!(), 0);
  } finally {
    await runner.close?.();
  }
});

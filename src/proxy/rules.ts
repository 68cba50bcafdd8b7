// Pure rule generation for the nftables service proxy, with Kubernetes' nftables proxier's semantics
// (KEP-3866): one table we own; a verdict map from (daddr . l4proto . dport) to a chain per service
// port; NodePorts in their own map; services without endpoints rejected from a filter hook before NAT;
// random load balancing over the ready endpoints, DNAT to the one picked; masquerading for hairpin
// and off-node traffic.
//
// Where we differ from upstream, and why (measured on nft 1.0.6 / kernel 6.18, 10,000 services x 10
// endpoints; see bench/proxy.ts):
// - No chain per endpoint, and a service chain holds ONE rule: `dnat to numgen random mod N offset B
//   map @service-endpoints-<proto>-S`, where S is the chain's shard (from the hash in its name) and B
//   the start of the block of keys the chain owns in that shared data map (blocks.ts). Why: every
//   transaction that adds a rule with a jump/goto/NAT, or a goto element to a verdict map, makes the
//   kernel re-validate the whole table from its base chains (nft_table_validate walks every chain
//   reachable through the service maps, once per base chain). With upstream's shape, or our former
//   10-rule numgen cascade, that walk cost ~75 ms of kernel CPU per added service at 10,000 services;
//   with one short rule per chain, ~15 ms. Endpoints live in data maps, which validation skips.
// - The endpoint maps are sharded (ENDPOINT_SHARDS per protocol) because binding a new rule to a map
//   makes the kernel walk all of the map's elements (nf_tables_bind_set): one map of 100,000
//   endpoints cost ~27 ms per added service, a 32nd of it under 1 ms. Per-service named or anonymous
//   maps avoid the walk, but nft then lists 10,000 sets before every command (~99 ms of CPU per added
//   service in all), and anonymous maps made the full load 8x slower (53 s against 6.7 s).
// - The service chains, their dispatch maps and their endpoint maps are spread over SERVICE_TABLES
//   tables (`k8ts-proxy-<k>`, by the chain name's hash), each with its own NAT hooks; the main table
//   `k8ts-proxy` keeps what is shared (the no-endpoint rejects, hairpin masquerading). Why: the
//   kernel validates only the table a transaction changes, and its walk costs about 1.2 us per
//   element of the service maps per NAT base chain, so adding a service at 10,000 cost ~15 ms of
//   commit in one table and ~1 ms in a 16th of it. NAT base chains run in priority order until one
//   of them sets up the translation, so the tables together act as one.
// - nft 1.0.6 lists every table's chains and sets before any command that adds a rule or an element,
//   and again after every commit even in a resident `nft -i`: ~7-10 ms of kernel time at 10,000
//   chains, plus nft's own work. So the proxier's incremental scripts go to the kernel as netlink
//   messages instead (netlink/, nft.ts), and nft keeps the full rebuild and anything else. A chain
//   per service is the KEP's structure, so we keep it.
// - An endpoint change that keeps the count rewrites map elements only (no rule, so no validation);
//   a changed count rewrites the one rule.
// - Services with sessionAffinity ClientIP keep a per-endpoint rule cascade (`numgen random mod
//   (N-i) 0`), because the endpoint picked must be recorded in that endpoint's affinity set, which a
//   map lookup cannot do; they are few, so their share of the validation walk is small.
// - Hairpin traffic (a pod reaching itself through its service) is masqueraded in postrouting from one
//   set of `endpoint . endpoint` pairs rather than by a rule per endpoint chain.
//
// Rules are computed per Service (a ServiceRules value) so a sync only regenerates and diffs the
// Services that changed: adding one Service to 10,000 costs one Service's worth of work.
import { createHash } from 'node:crypto';
import type { Service } from '../api/core/v1/services.js';
import type { EndpointSlice } from '../api/discovery/v1/endpointslices.js';
import type { MemberCounts } from './members.js';
import { BLOCK_SIZE, EndpointBlocks } from './blocks.js';

export const TABLE = 'k8ts-proxy';
export const FAMILY = 'ip';
const T = `${FAMILY} ${TABLE}`;
/** Tables the service chains are spread over (see the header); a service port's is fixed by its hash. */
export const SERVICE_TABLES = 16;
export const serviceTable = (k: number) => `${TABLE}-${k}`;
/** Every table this proxy owns (and only those: cleanup deletes exactly these). */
export const ALL_TABLES = [TABLE, ...Array.from({ length: SERVICE_TABLES }, (_, k) => serviceTable(k))];
/**
 * How ServiceRules name a chain, set or map: `<table> <name>`, which nft takes after the family
 * (`add chain ip k8ts-proxy-3 service-...`). Rules and verdicts inside a table use the bare name.
 */
export const inTable = (table: string, name: string) => `${table} ${name}`;
const bare = (qualified: string) => qualified.slice(qualified.indexOf(' ') + 1);
/** The mark bit asking the masquerading chain to SNAT (kube-proxy's 0x4000). */
export const MASQ_MARK = '0x4000';
export const SERVICE_IPS = 'service-ips';
export const SERVICE_NODEPORTS = 'service-nodeports';
export const NO_ENDPOINT_SERVICES = 'no-endpoint-services';
export const NO_ENDPOINT_NODEPORTS = 'no-endpoint-nodeports';
export const NODEPORT_IPS = 'nodeport-ips';
/** `ip . ip` for every endpoint in use: a connection DNATed to its own source is masqueraded. */
export const HAIRPIN_ENDPOINTS = 'hairpin-endpoints';
/**
 * Shared data maps `key -> endpoint ip . port` that the service chains' numgen lookups use: per
 * protocol, because nft types the port by protocol (`typeof ... : ip daddr . tcp dport`; a map read
 * back from the kernel with `th dport` conflicts with the rule's `meta l4proto tcp`), and sharded.
 */
export const ENDPOINT_SHARDS = 32;
const MAP_PROTOCOLS = ['tcp', 'udp', 'sctp'];
export const endpointMap = (proto: string, shard: number) => `service-endpoints-${proto}-${shard}`;
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
// The shared objects of the main table, as ServiceRules name them.
export const MAIN_HAIRPIN = inTable(TABLE, HAIRPIN_ENDPOINTS);
export const MAIN_NO_ENDPOINT_SERVICES = inTable(TABLE, NO_ENDPOINT_SERVICES);
export const MAIN_NO_ENDPOINT_NODEPORTS = inTable(TABLE, NO_ENDPOINT_NODEPORTS);
const DEFAULT_AFFINITY_SECONDS = 10800;

export interface NodeInfo {
  nodeName: string;
  /** IPv4 addresses NodePorts answer on. */
  nodeIPs: string[];
}

/** Everything one Service contributes to the table. */
export interface ServiceRules {
  /** chain (`<table> <name>`, see inTable) -> its rules, in order */
  chains: Map<string, string[]>;
  /** set (`<table> <name>`) -> declaration body (the `{ ... }` contents) */
  sets: Map<string, string>;
  /** map (`<table> <name>`) -> element key -> value (a verdict; `ip . port` in the endpoint maps) */
  elements: Map<string, Map<string, string>>;
  /** shared set (`<table> <name>`) -> elements; several Services may hold one element (see MemberCounts) */
  members: Map<string, Set<string>>;
}

export interface RuleDiff {
  addChains: string[];
  flushChains: string[];
  writeRules: [chain: string, rules: string[]][];
  addSets: [name: string, decl: string][];
  delElements: [map: string, key: string][];
  addElements: [map: string, key: string, verdict: string][];
  delChains: string[];
  delSets: string[];
  addMembers: [set: string, key: string][];
  delMembers: [set: string, key: string][];
}

interface Ep { ip: string; port: number; local: boolean; ready: boolean; serving: boolean; terminating: boolean }

const PROTOCOLS: Record<string, string> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIPv4(s: string | undefined): s is string {
  const m = s ? IPV4.exec(s) : null;
  return !!m && m.slice(1).every((x) => Number(x) <= 255);
}

// base32 of sha256, 8 characters: short, stable and unlikely to collide, like kube-proxy's chain
// hashes; the readable suffix is for people reading `nft list`.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function shardOf(h: string): number {
  return ((ALPHABET.indexOf(h[0]!) << 5) | ALPHABET.indexOf(h[1]!)) % ENDPOINT_SHARDS;
}

function hash(s: string): string {
  const b = createHash('sha256').update(s).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of b) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 8) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= 8) break;
  }
  return out;
}

/** Names of the chains and affinity sets one service port uses (exported for tests). */
export function chainNames(ns: string, name: string, proto: string, portName: string) {
  const spn = `${ns}/${name}/${proto}/${portName}`;
  const h = hash(spn);
  const shard = shardOf(h);
  // Each endpoint's name is asked for several times per service; hash it once.
  const memo = new Map<string, string>();
  const epHash = (ip: string, port: number) => {
    const id = `${spn}__${ip}/${port}`;
    let v = memo.get(id);
    if (v === undefined) memo.set(id, (v = `${hash(id)}-${id}`));
    return v;
  };
  return {
    service: `service-${h}-${spn}`,
    external: `external-${h}-${spn}`,
    /** The endpoint map shard a chain of this service port uses (stable: from the name's hash). */
    shard,
    /** The table its chains, dispatch elements, endpoint map and affinity sets live in. */
    table: serviceTable(shard % SERVICE_TABLES),
    affinity: (ip: string, port: number) => `affinity-${epHash(ip, port)}`,
  };
}

function conditionsOf(e: EndpointSlice['endpoints'][number]) {
  const ready = e.conditions?.ready !== false; // unset means ready
  return { ready, serving: e.conditions?.serving ?? ready, terminating: e.conditions?.terminating === true };
}

/** The endpoints of one service port, deduplicated by ip:port, sorted for stable output. */
function endpointsFor(portName: string, protocol: string, slices: EndpointSlice[], node: NodeInfo): Ep[] {
  const seen = new Map<string, Ep>();
  for (const s of slices) {
    if (s.addressType !== 'IPv4') continue;
    const sp = (s.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol);
    if (!sp || sp.port === undefined) continue;
    for (const e of s.endpoints ?? []) {
      const ip = e.addresses?.[0];
      if (!isIPv4(ip)) continue;
      const key = `${ip}:${sp.port}`;
      if (seen.has(key)) continue;
      seen.set(key, { ip, port: sp.port, local: e.nodeName === node.nodeName, ...conditionsOf(e) });
    }
  }
  return [...seen.values()].sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
}

// Kubernetes' CategorizeEndpoints: use the ready endpoints; when none is ready, fall back to the
// serving-and-terminating ones so a rolling update that ends in terminating pods still serves.
function usable(eps: Ep[]): Ep[] {
  const ready = eps.filter((e) => e.ready);
  return ready.length > 0 ? ready : eps.filter((e) => e.serving && e.terminating);
}

// Without affinity: one rule, whatever the endpoint count: numgen picks key B+i (uniform over N) in the
// chain's block of the shared endpoint map, which holds `B+i : ip . port` for each endpoint.
// With ClientIP affinity: endpoint i is taken with probability 1/(N-i) when none before it was
// (uniform over N); a client seen recently goes back to its endpoint first, and every pick (re)records
// the client in that endpoint's timed set, as upstream's endpoint chain does.
function lbRules(r: ServiceRules, chain: string, eps: Ep[], names: ReturnType<typeof chainNames>, affinity: boolean, proto: string, blocks: EndpointBlocks): string[] {
  // A chain that stops using its block gives it up at once: the same transaction deletes the block's
  // old elements before it adds any new ones (renderDiffs), so another chain may take it in this batch.
  if (affinity || eps.length === 1) blocks.release(chain);
  if (!affinity) {
    if (eps.length === 1) return [`meta l4proto ${proto} dnat to ${eps[0]!.ip}:${eps[0]!.port}`];
    const map = endpointMap(proto, names.shard);
    const base = blocks.offsetOf(names.shard, chain);
    eps.slice(0, BLOCK_SIZE).forEach((e, i) => addElement(r, inTable(names.table, map), String(base + i), `${e.ip} . ${e.port}`));
    const n = Math.min(eps.length, BLOCK_SIZE);
    return [`meta l4proto ${proto} dnat to numgen random mod ${n}${base ? ` offset ${base}` : ''} map @${map}`];
  }
  const rules: string[] = [];
  const dnat = (e: Ep) => `update @${names.affinity(e.ip, e.port)} { ip saddr } dnat to ${e.ip}:${e.port}`;
  for (const e of eps) rules.push(`ip saddr @${names.affinity(e.ip, e.port)} meta l4proto ${proto} ${dnat(e)}`);
  eps.forEach((e, i) => {
    const left = eps.length - i;
    rules.push(`meta l4proto ${proto} ${left > 1 ? `numgen random mod ${left} 0 ` : ''}${dnat(e)}`);
  });
  return rules;
}

function addMember(r: ServiceRules, set: string, key: string): void {
  let m = r.members.get(set);
  if (!m) r.members.set(set, (m = new Set()));
  m.add(key);
}

function addElement(r: ServiceRules, map: string, key: string, verdict: string): void {
  let m = r.elements.get(map);
  if (!m) r.elements.set(map, (m = new Map()));
  m.set(key, verdict);
}

/**
 * The rules one Service needs, given its EndpointSlices and this node. `blocks` places the service's
 * endpoints in the shared endpoint maps: pass the proxier's allocator so unchanged chains keep their
 * keys (a fresh one, the default, suits a single Service).
 */
export function serviceRules(svc: Service, slices: EndpointSlice[], node: NodeInfo, blocks = new EndpointBlocks()): ServiceRules {
  const r: ServiceRules = { chains: new Map(), sets: new Map(), elements: new Map(), members: new Map() };
  const spec = svc.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  if (type === 'ExternalName') return r;
  const clusterIP = spec.clusterIP;
  const hasClusterIP = isIPv4(clusterIP);
  const externalIPs = [...(spec.externalIPs ?? []), ...((svc.status as any)?.loadBalancer?.ingress ?? []).map((i: { ip?: string }) => i.ip)]
    .filter(isIPv4);
  const affinity = spec.sessionAffinity === 'ClientIP';
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS;
  const ns = svc.metadata.namespace ?? 'default';
  for (const port of spec.ports ?? []) {
    const protocol = port.protocol ?? 'TCP';
    const proto = PROTOCOLS[protocol];
    if (!proto) continue;
    const names = chainNames(ns, svc.metadata.name!, proto, port.name || String(port.port));
    const all = endpointsFor(port.name ?? '', protocol, slices, node);
    const cluster = usable(all);
    const local = usable(all.filter((e) => e.local));
    const internal = spec.internalTrafficPolicy === 'Local' ? local : cluster;
    const isExternal = (type === 'NodePort' || type === 'LoadBalancer') && !!port.nodePort;
    const external = spec.externalTrafficPolicy === 'Local' ? local : cluster;
    // No endpoints at all: reject at once. Endpoints, but none this traffic may use: drop, as
    // kube-proxy does for a Local policy without local endpoints.
    const noInternal = cluster.length === 0 ? 'goto reject-chain' : 'drop';
    const noExternal = cluster.length === 0 ? 'goto reject-chain' : 'drop';

    const used = new Set<Ep>([...internal, ...(isExternal || externalIPs.length ? external : [])]);
    const own = (name: string) => inTable(names.table, name);
    for (const e of used) {
      addMember(r, MAIN_HAIRPIN, `${e.ip} . ${e.ip}`);
      if (affinity) r.sets.set(own(names.affinity(e.ip, e.port)), `type ipv4_addr ; flags dynamic,timeout ; timeout ${timeout}s ;`);
    }
    const serviceChain = own(names.service);
    if (internal.length > 0) r.chains.set(serviceChain, lbRules(r, serviceChain, internal, names, affinity, proto, blocks));
    if (hasClusterIP) {
      const key = `${clusterIP} . ${proto} . ${port.port}`;
      if (internal.length > 0) addElement(r, own(SERVICE_IPS), key, `goto ${names.service}`);
      else addElement(r, MAIN_NO_ENDPOINT_SERVICES, key, noInternal);
    }
    if (isExternal || externalIPs.length > 0) {
      if (external.length > 0) {
        // Traffic from outside may come back through another node: masquerade it unless the
        // policy is Local (which keeps the client's address and only uses local endpoints).
        const prefix = spec.externalTrafficPolicy === 'Local' ? [] : ['jump mark-for-masquerade'];
        const externalChain = own(names.external);
        r.chains.set(externalChain, [...prefix, ...lbRules(r, externalChain, external, names, affinity, proto, blocks)]);
      }
      for (const ip of externalIPs) {
        const key = `${ip} . ${proto} . ${port.port}`;
        if (external.length > 0) addElement(r, own(SERVICE_IPS), key, `goto ${names.external}`);
        else addElement(r, MAIN_NO_ENDPOINT_SERVICES, key, noExternal);
      }
      if (isExternal) {
        const key = `${proto} . ${port.nodePort}`;
        if (external.length > 0) addElement(r, own(SERVICE_NODEPORTS), key, `goto ${names.external}`);
        else addElement(r, MAIN_NO_ENDPOINT_NODEPORTS, key, noExternal);
      }
    }
  }
  return r;
}

/** The tables' fixed skeleton: the main table (rejects, masquerading) and each service table's maps and hooks. */
export function baseScript(node: NodeInfo): string {
  const ips = node.nodeIPs.filter(isIPv4);
  const nodeportIps = `  set ${NODEPORT_IPS} { type ipv4_addr ; ${ips.length ? `elements = { ${ips.join(' , ')} }` : ''} }`;
  const main = [
    `table ${T} {`,
    `  map ${NO_ENDPOINT_SERVICES} { type ipv4_addr . inet_proto . inet_service : verdict ; }`,
    `  map ${NO_ENDPOINT_NODEPORTS} { type inet_proto . inet_service : verdict ; }`,
    nodeportIps,
    `  set ${HAIRPIN_ENDPOINTS} { type ipv4_addr . ipv4_addr ; }`,
    // Filter before DNAT (dstnat is -100): a service without endpoints is refused right away.
    `  chain filter-input { type filter hook input priority -110 ; policy accept ; ct state new jump nodeport-endpoints-check ; ct state new jump service-endpoints-check ; }`,
    `  chain filter-forward { type filter hook forward priority -110 ; policy accept ; ct state new jump service-endpoints-check ; }`,
    `  chain filter-output { type filter hook output priority -110 ; policy accept ; ct state new jump service-endpoints-check ; ct state new jump nodeport-endpoints-check ; }`,
    `  chain service-endpoints-check { ip daddr . meta l4proto . th dport vmap @${NO_ENDPOINT_SERVICES} ; }`,
    `  chain nodeport-endpoints-check { ip daddr @${NODEPORT_IPS} meta l4proto . th dport vmap @${NO_ENDPOINT_NODEPORTS} ; }`,
    `  chain reject-chain { reject ; }`,
    `  chain nat-postrouting { type nat hook postrouting priority srcnat ; policy accept ; jump masquerading ; }`,
    `  chain mark-for-masquerade { meta mark set meta mark | ${MASQ_MARK} ; }`,
    // Hairpin: after DNAT the destination is the endpoint; it equals the source when a pod reached
    // itself through its service, and the reply must come back through the node: masquerade it.
    `  chain masquerading { ct status dnat ip saddr . ip daddr @${HAIRPIN_ENDPOINTS} jump mark-for-masquerade ; meta mark & ${MASQ_MARK} == 0 return ; meta mark set meta mark ^ ${MASQ_MARK} ; masquerade fully-random ; }`,
    `}`,
  ];
  // The dispatch rules sit in the base chains themselves: a jump to a shared chain in between made
  // the kernel's validation walk ~40 % slower.
  const dispatch = `ip daddr . meta l4proto . th dport vmap @${SERVICE_IPS} ; ip daddr @${NODEPORT_IPS} meta l4proto . th dport vmap @${SERVICE_NODEPORTS} ;`;
  const services = Array.from({ length: SERVICE_TABLES }, (_, k) => [
    `table ${FAMILY} ${serviceTable(k)} {`,
    `  map ${SERVICE_IPS} { type ipv4_addr . inet_proto . inet_service : verdict ; }`,
    `  map ${SERVICE_NODEPORTS} { type inet_proto . inet_service : verdict ; }`,
    nodeportIps,
    ...MAP_PROTOCOLS.flatMap((p) => shardsOfTable(k).map((e) => `  map ${endpointMap(p, e)} { typeof numgen random mod 1 : ip daddr . ${p} dport ; }`)),
    `  chain nat-prerouting { type nat hook prerouting priority dstnat ; policy accept ; ${dispatch} }`,
    `  chain nat-output { type nat hook output priority -100 ; policy accept ; ${dispatch} }`,
    `  chain mark-for-masquerade { meta mark set meta mark | ${MASQ_MARK} ; }`,
    `}`,
  ]).flat();
  return [...main, ...services].join('\n') + '\n';
}

/** The endpoint map shards whose chains live in service table k. */
function shardsOfTable(k: number): number[] {
  return Array.from({ length: ENDPOINT_SHARDS }, (_, e) => e).filter((e) => e % SERVICE_TABLES === k);
}

function sameRules(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** What turns one Service's old rules into its new ones (either may be absent). */
export function diffRules(old: ServiceRules | undefined, cur: ServiceRules | undefined): RuleDiff {
  const d: RuleDiff = { addChains: [], flushChains: [], writeRules: [], addSets: [], delElements: [], addElements: [], delChains: [], delSets: [], addMembers: [], delMembers: [] };
  const oc = old?.chains ?? new Map<string, string[]>();
  const nc = cur?.chains ?? new Map<string, string[]>();
  for (const [name, rules] of nc) {
    const prev = oc.get(name);
    if (!prev) { d.addChains.push(name); d.writeRules.push([name, rules]); }
    else if (!sameRules(prev, rules)) { d.flushChains.push(name); d.writeRules.push([name, rules]); }
  }
  for (const name of oc.keys()) if (!nc.has(name)) d.delChains.push(name);
  const os = old?.sets ?? new Map<string, string>();
  const ns = cur?.sets ?? new Map<string, string>();
  for (const [name, decl] of ns) {
    const prev = os.get(name);
    if (prev === undefined) d.addSets.push([name, decl]);
    // A changed timeout needs a new set: delete and re-add (members are forgotten, as upstream).
    else if (prev !== decl) { d.delSets.push(name); d.addSets.push([name, decl]); }
  }
  for (const name of os.keys()) if (!ns.has(name)) d.delSets.push(name);
  // Chains that use a recreated set must let go of it before it is deleted: rewrite them too.
  const recreated = d.addSets.filter(([n]) => d.delSets.includes(n)).map(([n]) => `@${bare(n)} `);
  if (recreated.length) {
    const writing = new Set(d.writeRules.map(([c]) => c));
    for (const [name, rules] of nc) {
      if (writing.has(name) || !oc.has(name) || !rules.some((r) => recreated.some((s) => r.includes(s)))) continue;
      d.flushChains.push(name);
      d.writeRules.push([name, rules]);
    }
  }
  const oe = old?.elements ?? new Map<string, Map<string, string>>();
  const ne = cur?.elements ?? new Map<string, Map<string, string>>();
  for (const [map, els] of ne) {
    const prev = oe.get(map);
    for (const [key, verdict] of els) {
      const p = prev?.get(key);
      if (p === verdict) continue;
      if (p !== undefined) d.delElements.push([map, key]);
      d.addElements.push([map, key, verdict]);
    }
  }
  for (const [map, els] of oe) {
    const next = ne.get(map);
    for (const key of els.keys()) if (!next?.has(key)) d.delElements.push([map, key]);
  }
  const om = old?.members ?? new Map<string, Set<string>>();
  const nm = cur?.members ?? new Map<string, Set<string>>();
  for (const [set, keys] of nm) for (const k of keys) if (!om.get(set)?.has(k)) d.addMembers.push([set, k]);
  for (const [set, keys] of om) for (const k of keys) if (!nm.get(set)?.has(k)) d.delMembers.push([set, k]);
  return d;
}

export function isEmptyDiff(d: RuleDiff): boolean {
  return !d.addChains.length && !d.flushChains.length && !d.writeRules.length && !d.addSets.length
    && !d.delElements.length && !d.addElements.length && !d.delChains.length && !d.delSets.length
    && !d.addMembers.length && !d.delMembers.length;
}

/**
 * One nft transaction applying every diff, ordered so that each command's references exist:
 * new chains and sets first, then rules, then map elements, and stale chains (flushed first,
 * since the kernel refuses to delete a chain still holding rules) and sets last. Shared set
 * elements change only where `members` (what the kernel holds) says their count crosses zero.
 */
export function renderDiffs(diffs: RuleDiff[], members: MemberCounts): string {
  const out: string[] = [];
  // A set whose declaration changed is deleted in the last phase and re-added in the first;
  // defer its re-add so the two don't collide.
  const recreated = new Set<string>();
  for (const d of diffs) for (const [n] of d.addSets) if (d.delSets.includes(n)) recreated.add(n);
  for (const d of diffs) for (const c of d.addChains) out.push(`add chain ${FAMILY} ${c}`);
  for (const d of diffs) for (const [n, decl] of d.addSets) if (!recreated.has(n)) out.push(`add set ${FAMILY} ${n} { ${decl} }`);
  for (const d of diffs) for (const c of d.flushChains) out.push(`flush chain ${FAMILY} ${c}`);
  // Rules referencing a recreated set must wait for it: flush those chains' rules in and write later.
  const late: string[] = [];
  for (const d of diffs) for (const [c, rules] of d.writeRules) {
    for (const rule of rules) {
      const line = `add rule ${FAMILY} ${c} ${rule}`;
      if (recreated.size && [...recreated].some((s) => rule.includes(`@${bare(s)} `))) late.push(line);
      else out.push(line);
    }
  }
  const shared = members.plan(diffs);
  for (const d of diffs) for (const [m, k] of d.delElements) out.push(`delete element ${FAMILY} ${m} { ${k} }`);
  for (const [s, k] of shared.del) out.push(`delete element ${FAMILY} ${s} { ${k} }`);
  for (const d of diffs) for (const [m, k, v] of d.addElements) out.push(`add element ${FAMILY} ${m} { ${k} : ${v} }`);
  for (const [s, k] of shared.add) out.push(`add element ${FAMILY} ${s} { ${k} }`);
  for (const d of diffs) for (const c of d.delChains) out.push(`flush chain ${FAMILY} ${c}`);
  for (const d of diffs) for (const c of d.delChains) out.push(`delete chain ${FAMILY} ${c}`);
  for (const d of diffs) for (const s of d.delSets) out.push(`delete set ${FAMILY} ${s}`);
  for (const d of diffs) for (const [n, decl] of d.addSets) if (recreated.has(n)) out.push(`add set ${FAMILY} ${n} { ${decl} }`);
  out.push(...late);
  return out.length ? out.join('\n') + '\n' : '';
}

/**
 * Every table from scratch, atomically replacing whatever of ours was there. Written as table
 * blocks and one element list per map (nft parses that far faster than one command per rule).
 */
export function fullScript(node: NodeInfo, all: Iterable<ServiceRules>): string {
  // `add` then `delete` makes the delete safe when a table does not exist yet; the kernel
  // applies the file as one transaction, so traffic never sees a half-built table.
  const out = [cleanupScript().trimEnd(), baseScript(node).trimEnd()];
  const blocks = new Map<string, string[]>();
  const block = (q: string) => {
    const table = q.slice(0, q.indexOf(' '));
    let l = blocks.get(table);
    if (!l) blocks.set(table, (l = []));
    return l;
  };
  const elements = new Map<string, string[]>();
  const members = new Map<string, Set<string>>();
  for (const r of all) {
    for (const [n, decl] of r.sets) block(n).push(`  set ${bare(n)} { ${decl} }`);
    for (const [c, rules] of r.chains) block(c).push(`  chain ${bare(c)} {`, ...rules.map((x) => `    ${x}`), '  }');
    for (const [m, els] of r.elements) {
      let l = elements.get(m);
      if (!l) elements.set(m, (l = []));
      for (const [k, v] of els) l.push(`${k} : ${v}`);
    }
    for (const [s, keys] of r.members) {
      let l = members.get(s);
      if (!l) members.set(s, (l = new Set()));
      for (const k of keys) l.add(k);
    }
  }
  for (const [table, lines] of blocks) out.push(`table ${FAMILY} ${table} {`, ...lines, '}');
  for (const [m, l] of elements) if (l.length) out.push(`add element ${FAMILY} ${m} { ${l.join(' , ')} }`);
  for (const [s, l] of members) if (l.size) out.push(`add element ${FAMILY} ${s} { ${[...l].join(' , ')} }`);
  return out.join('\n') + '\n';
}

/** Deletes our tables and nothing else. */
export function cleanupScript(): string {
  return ALL_TABLES.map((t) => `add table ${FAMILY} ${t}\ndelete table ${FAMILY} ${t}\n`).join('');
}

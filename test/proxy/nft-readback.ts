// Reads the proxy's tables back from the kernel (`nft -j list ruleset`: the main table k8ts-proxy and
// the service tables k8ts-proxy-<k>) and works out, for every (ip . proto . port) a service table's
// map knows (and every `nodeport proto . port`), where a new connection can go: the
// `ip:port` backends it may be DNATed to, sorted ('reject' / 'drop' for the no-endpoint map). A
// numgen lookup contributes one entry per key it can draw, so a backend reachable through two keys
// shows twice (uneven balancing) and a key missing from the map shows as MISSING. A service table
// whose NAT hooks do not both dispatch through its maps makes every key it holds UNHOOKED.
type Json = any;

const unwrap = (v: Json): Json => (v && typeof v === 'object' && 'elem' in v ? v.elem.val : v);
const keyText = (k: Json): string => (k && typeof k === 'object' && 'concat' in k ? k.concat.join(' . ') : String(k));
const backendText = (v: Json): string => (v && typeof v === 'object' && 'concat' in v ? v.concat.join(':') : String(v));

function verdictText(v: Json): string {
  if (v && typeof v === 'object') {
    if ('goto' in v) return `goto ${v.goto.target}`;
    if ('jump' in v) return `jump ${v.jump.target}`;
    return Object.keys(v)[0] ?? '?';
  }
  return String(v);
}

const OURS = /^k8ts-proxy(-\d+)?$/;
const DISPATCH = ['service-ips', 'service-nodeports'];

export function reachableBackends(listing: { nftables: Json[] }): Map<string, string> {
  // Keyed `<table>\n<name>`: each service table has its own maps and chains of the same names.
  const maps = new Map<string, Map<string, Json>>();
  const rules = new Map<string, Json[][]>();
  const hooked = new Map<string, Set<string>>(); // table -> `<hook>:<map>` its NAT base chains dispatch through
  const baseChains = new Map<string, string>(); // `<table>\n<chain>` -> nat hook
  for (const item of listing.nftables) {
    if (item.chain?.type === 'nat' && item.chain.hook && OURS.test(item.chain.table)) baseChains.set(`${item.chain.table}\n${item.chain.name}`, item.chain.hook);
  }
  for (const item of listing.nftables) {
    const table = item.map?.table ?? item.rule?.table;
    if (!table || !OURS.test(table)) continue;
    if (item.map) {
      const els = new Map<string, Json>();
      for (const [k, v] of item.map.elem ?? []) els.set(keyText(unwrap(k)), v);
      maps.set(`${table}\n${item.map.name}`, els);
    } else if (item.rule) {
      const key = `${table}\n${item.rule.chain}`;
      let l = rules.get(key);
      if (!l) rules.set(key, (l = []));
      l.push(item.rule.expr);
      const hook = baseChains.get(key);
      if (hook) {
        for (const e of item.rule.expr) {
          const vmap = e.vmap?.data;
          if (typeof vmap === 'string' && DISPATCH.includes(vmap.replace(/^@/, ''))) {
            let h = hooked.get(table);
            if (!h) hooked.set(table, (h = new Set()));
            h.add(`${hook}:${vmap.replace(/^@/, '')}`);
          }
        }
      }
    }
  }
  const wired = (table: string, map: string) => ['prerouting', 'output'].every((h) => hooked.get(table)?.has(`${h}:${map}`));
  const chainBackends = (table: string, chain: string): string => {
    const listed: string[] = [];
    const single = new Set<string>();
    let numgen = false;
    for (const expr of rules.get(`${table}\n${chain}`) ?? []) {
      for (const e of expr) {
        const dnat = e.dnat;
        if (!dnat) continue;
        const addr = dnat.addr;
        if (addr && typeof addr === 'object' && addr.map?.key?.numgen) {
          numgen = true;
          const { mod, offset = 0 } = addr.map.key.numgen;
          const data = maps.get(`${table}\n${String(addr.map.data).replace(/^@/, '')}`);
          for (let i = offset; i < offset + mod; i++) {
            const v = data?.get(String(i));
            listed.push(v === undefined ? `MISSING(${i})` : backendText(v));
          }
        } else if (typeof addr === 'string') {
          single.add(`${addr}:${dnat.port}`);
        } else {
          single.add(`UNREADABLE(${JSON.stringify(addr)})`);
        }
      }
    }
    if (numgen && single.size) return `MIXED(${[...listed, ...single].sort().join(',')})`;
    return (numgen ? listed : [...single]).sort().join(',');
  };
  const out = new Map<string, string>();
  const put = (key: string, text: string) => out.set(key, out.has(key) ? `CONFLICT(${out.get(key)} and ${text})` : text);
  for (const [where, els] of maps) {
    const [table, map] = where.split('\n') as [string, string];
    if (table === 'k8ts-proxy' || !DISPATCH.includes(map)) continue;
    for (const [key, verdict] of els) {
      const v = verdictText(verdict);
      const text = !wired(table, map) ? 'UNHOOKED' : v.startsWith('goto ') ? chainBackends(table, v.slice(5)) : `VERDICT(${v})`;
      put(map === 'service-nodeports' ? `nodeport ${key}` : key, text);
    }
  }
  for (const [from, prefix] of [['no-endpoint-services', ''], ['no-endpoint-nodeports', 'nodeport ']] as const) {
    for (const [k, verdict] of maps.get(`k8ts-proxy\n${from}`) ?? []) {
      const v = verdictText(verdict);
      put(prefix + k, v === 'goto reject-chain' ? 'reject' : v);
    }
  }
  return out;
}

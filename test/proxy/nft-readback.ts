// Reads the proxy's table back from the kernel (`nft -j list table ip k8ts-proxy`) and works out,
// for every (ip . proto . port) the services map knows (and every `nodeport proto . port`), where a new connection can go: the
// `ip:port` backends it may be DNATed to, sorted ('reject' / 'drop' for the no-endpoint map). A
// numgen lookup contributes one entry per key it can draw, so a backend reachable through two keys
// shows twice (uneven balancing) and a key missing from the map shows as MISSING.
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

export function reachableBackends(listing: { nftables: Json[] }): Map<string, string> {
  const maps = new Map<string, Map<string, Json>>();
  const rules = new Map<string, Json[][]>();
  for (const item of listing.nftables) {
    if (item.map) {
      const els = new Map<string, Json>();
      for (const [k, v] of item.map.elem ?? []) els.set(keyText(unwrap(k)), v);
      maps.set(item.map.name, els);
    } else if (item.rule) {
      let l = rules.get(item.rule.chain);
      if (!l) rules.set(item.rule.chain, (l = []));
      l.push(item.rule.expr);
    }
  }
  const chainBackends = (chain: string): string => {
    const listed: string[] = [];
    const single = new Set<string>();
    let numgen = false;
    for (const expr of rules.get(chain) ?? []) {
      for (const e of expr) {
        const dnat = e.dnat;
        if (!dnat) continue;
        const addr = dnat.addr;
        if (addr && typeof addr === 'object' && addr.map?.key?.numgen) {
          numgen = true;
          const { mod, offset = 0 } = addr.map.key.numgen;
          const data = maps.get(String(addr.map.data).replace(/^@/, ''));
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
  for (const [key, verdict] of maps.get('service-ips') ?? []) {
    const v = verdictText(verdict);
    out.set(key, v.startsWith('goto ') ? chainBackends(v.slice(5)) : `VERDICT(${v})`);
  }
  for (const [key, verdict] of maps.get('service-nodeports') ?? []) {
    const v = verdictText(verdict);
    out.set(`nodeport ${key}`, v.startsWith('goto ') ? chainBackends(v.slice(5)) : `VERDICT(${v})`);
  }
  for (const [from, prefix] of [['no-endpoint-services', ''], ['no-endpoint-nodeports', 'nodeport ']] as const) {
    for (const [k, verdict] of maps.get(from) ?? []) {
      const key = prefix + k;
      const v = verdictText(verdict);
      const text = v === 'goto reject-chain' ? 'reject' : v;
      out.set(key, out.has(key) ? `CONFLICT(${out.get(key)} and ${text})` : text);
    }
  }
  return out;
}

// Turns an incremental script from renderDiffs (rules.ts) into nf_tables netlink messages, when every
// line is one of the shapes the proxier writes for ordinary services: chains added, flushed and
// deleted; the three rule forms (single DNAT, numgen map DNAT, jump); elements of the service,
// NodePort, no-endpoint, endpoint and hairpin maps. Anything else (affinity sets, a new kind of line)
// returns null and the script goes to nft as before, so this is a fast path, never a second
// dialect to keep in step by hand: test/proxy/netlink.test.ts applies the same scripts both ways
// and compares what the kernel holds.
import { isIPv4 } from '../rules.js';
import { type Attr, message, NFT_MSG, nftType, NLM_F_ACK, NLM_F_APPEND, NLM_F_CREATE, NLM_F_REQUEST, NFPROTO_IPV4, str, u32be } from './messages.js';

type Msg = (seq: number) => Buffer;

const PROTO: Record<string, number> = { tcp: 6, udp: 17, sctp: 132 };
// nf_tables registers as nft numbers them: the verdict register, 16-byte reg 1 and 2, and the
// 32-bit register after reg 1's first word (where a concatenation's second field lands).
const REG_VERDICT = 0;
const REG_1 = 1;
const REG_2 = 2;
const REG32_01 = 9;
const NFT_META_L4PROTO = 16;
const NFT_CMP_EQ = 0;
const NFT_NG_RANDOM = 1;
const NFT_NAT_DNAT = 1;
const NF_NAT_RANGE_PROTO_SPECIFIED = 2;
const VERDICT: Record<string, number> = { drop: 0, accept: 1, jump: -3, goto: -4, return: -5 };

const A = { TABLE: 1, CHAIN_NAME: 3, RULE_CHAIN: 2, RULE_EXPRESSIONS: 4, LIST_ELEM: 1, EXPR_NAME: 1, EXPR_DATA: 2, SET: 2, ELEMENTS: 3, ELEM_KEY: 1, ELEM_DATA: 2, DATA_VALUE: 1, DATA_VERDICT: 2, VERDICT_CODE: 1, VERDICT_CHAIN: 2 };

const ip4 = (s: string): Buffer => Buffer.from(s.split('.').map(Number));
/** A port as a concatenation field: 2 bytes network order, padded to 4. */
const port = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt16BE(n); return b; };
/** An l4 protocol as a concatenation field: 1 byte, padded to 4. */
const proto = (p: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt8(p); return b; };
/** A numgen value: 4 bytes in host order (nft types it as a host-order integer). */
const hostU32 = (n: number): Buffer => { const b = Buffer.alloc(4); if (LITTLE_ENDIAN) b.writeUInt32LE(n); else b.writeUInt32BE(n); return b; };
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const expr = (name: string, data: Attr[]): Attr => [A.LIST_ELEM, [[A.EXPR_NAME, str(name)], [A.EXPR_DATA, data]]];
const value = (b: Buffer): Attr[] => [[A.DATA_VALUE, b]];
const verdict = (code: number, chain?: string): Attr[] => [[A.DATA_VERDICT, [[A.VERDICT_CODE, u32be(code)], ...(chain ? [[A.VERDICT_CHAIN, str(chain)] as Attr] : [])]]];

function l4protoIs(p: number): Attr[] {
  return [
    expr('meta', [[2, u32be(NFT_META_L4PROTO)], [1, u32be(REG_1)]]),
    expr('cmp', [[1, u32be(REG_1)], [2, u32be(NFT_CMP_EQ)], [3, value(Buffer.from([p]))]]),
  ];
}

/** The expressions of one rule text, or null when it is not one of the shapes we encode. */
function ruleExpressions(rule: string): Attr[] | null {
  let m = /^meta l4proto (tcp|udp|sctp) dnat to numgen random mod (\d+)(?: offset (\d+))? map @(\S+)$/.exec(rule);
  if (m) {
    const ng: Attr[] = [[1, u32be(REG_1)], [2, u32be(Number(m[2]))], [3, u32be(NFT_NG_RANDOM)]];
    if (m[3] !== undefined) ng.push([4, u32be(Number(m[3]))]);
    return [
      ...l4protoIs(PROTO[m[1]!]!),
      expr('numgen', ng),
      expr('lookup', [[1, str(m[4]!)], [2, u32be(REG_1)], [3, u32be(REG_1)]]),
      expr('nat', [[1, u32be(NFT_NAT_DNAT)], [2, u32be(NFPROTO_IPV4)], [3, u32be(REG_1)], [5, u32be(REG32_01)]]),
    ];
  }
  m = /^meta l4proto (tcp|udp|sctp) dnat to (\S+):(\d+)$/.exec(rule);
  if (m && isIPv4(m[2])) {
    return [
      ...l4protoIs(PROTO[m[1]!]!),
      expr('immediate', [[1, u32be(REG_1)], [2, value(ip4(m[2]))]]),
      expr('immediate', [[1, u32be(REG_2)], [2, value(Buffer.from([Number(m[3]) >> 8, Number(m[3]) & 255]))]]),
      expr('nat', [[1, u32be(NFT_NAT_DNAT)], [2, u32be(NFPROTO_IPV4)], [3, u32be(REG_1)], [5, u32be(REG_2)], [7, u32be(NF_NAT_RANGE_PROTO_SPECIFIED)]]),
    ];
  }
  m = /^(jump|goto) (\S+)$/.exec(rule);
  if (m) return [expr('immediate', [[1, u32be(REG_VERDICT)], [2, verdict(VERDICT[m[1]!]!, m[2])]])];
  return null;
}

const ADDR_PROTO_PORT = /^(\S+) \. (tcp|udp|sctp) \. (\d+)$/;
const PROTO_PORT = /^(tcp|udp|sctp) \. (\d+)$/;
const ENDPOINT_MAP = /^service-endpoints-(tcp|udp|sctp)-\d+$/;

/** A verdict map's value (`drop`, `goto chain`...), null when it is not one. */
function verdictData(v: string): Attr[] | null {
  const m = /^(?:(drop|accept|return)|(jump|goto) (\S+))$/.exec(v);
  if (!m) return null;
  return m[1] ? verdict(VERDICT[m[1]]!) : verdict(VERDICT[m[2]!]!, m[3]);
}

/** A set element's key by the set's name (the proxier's fixed set of maps), null when unknown. */
function elementKey(set: string, key: string): Buffer | null {
  if (set === 'service-ips' || set === 'no-endpoint-services') {
    const m = ADDR_PROTO_PORT.exec(key);
    return m && isIPv4(m[1]) ? Buffer.concat([ip4(m[1]), proto(PROTO[m[2]!]!), port(Number(m[3]))]) : null;
  }
  if (set === 'service-nodeports' || set === 'no-endpoint-nodeports') {
    const m = PROTO_PORT.exec(key);
    return m ? Buffer.concat([proto(PROTO[m[1]!]!), port(Number(m[2]))]) : null;
  }
  if (ENDPOINT_MAP.test(set)) return /^\d+$/.test(key) ? hostU32(Number(key)) : null;
  if (set === 'hairpin-endpoints') {
    const m = /^(\S+) \. (\S+)$/.exec(key);
    return m && isIPv4(m[1]) && isIPv4(m[2]) ? Buffer.concat([ip4(m[1]), ip4(m[2])]) : null;
  }
  return null;
}

/** A set element's value by the set's name: a verdict, an endpoint, or none (the hairpin set). */
function elementData(set: string, data: string): Attr[] | null {
  if (ENDPOINT_MAP.test(set)) {
    const m = /^(\S+) \. (\d+)$/.exec(data);
    return m && isIPv4(m[1]) ? value(Buffer.concat([ip4(m[1]), port(Number(m[2]))])) : null;
  }
  return set === 'hairpin-endpoints' ? null : verdictData(data);
}

/** One element (key, and data unless deleting or in a plain set) as NFTA_SET_ELEM_LIST_ELEMENTS. */
function elementAttrs(set: string, key: string, data: string | undefined): Attr[] | null {
  const k = elementKey(set, key);
  if (!k) return null;
  const d = data === undefined ? undefined : elementData(set, data);
  if (d === null) return null;
  return [[A.LIST_ELEM, [[A.ELEM_KEY, value(k)], ...(d ? [[A.ELEM_DATA, d] as Attr] : [])]]];
}

const REQ = NLM_F_REQUEST | NLM_F_ACK;

/** The messages of one script, in order, or null if any line is outside what we encode. */
export function compileScript(script: string): Msg[] | null {
  const out: Msg[] = [];
  for (const line of script.split('\n')) {
    if (!line) continue;
    let m = /^(add|flush|delete) chain ip (\S+) (\S+)$/.exec(line);
    if (m) {
      const attrs: Attr[] = [[A.TABLE, str(m[2]!)], [m[1] === 'flush' ? A.RULE_CHAIN : A.CHAIN_NAME, str(m[3]!)]];
      if (m[1] === 'add') out.push((seq) => message(nftType(NFT_MSG.NEWCHAIN), REQ | NLM_F_CREATE, seq, attrs));
      else if (m[1] === 'delete') out.push((seq) => message(nftType(NFT_MSG.DELCHAIN), REQ, seq, attrs));
      else out.push((seq) => message(nftType(NFT_MSG.DELRULE), REQ, seq, attrs)); // flush: every rule of the chain
      continue;
    }
    m = /^add rule ip (\S+) (\S+) (.+)$/.exec(line);
    if (m) {
      const exprs = ruleExpressions(m[3]!);
      if (!exprs) return null;
      const attrs: Attr[] = [[A.TABLE, str(m[1]!)], [A.RULE_CHAIN, str(m[2]!)], [A.RULE_EXPRESSIONS, exprs]];
      out.push((seq) => message(nftType(NFT_MSG.NEWRULE), REQ | NLM_F_CREATE | NLM_F_APPEND, seq, attrs));
      continue;
    }
    m = /^(add|delete) element ip (\S+) (\S+) \{ (.+?)(?: : (.+))? \}$/.exec(line);
    if (m) {
      const el = elementAttrs(m[3]!, m[4]!, m[5]);
      if (!el) return null;
      const attrs: Attr[] = [[A.TABLE, str(m[2]!)], [A.SET, str(m[3]!)], [A.ELEMENTS, el]];
      if (m[1] === 'add') out.push((seq) => message(nftType(NFT_MSG.NEWSETELEM), REQ | NLM_F_CREATE, seq, attrs));
      else out.push((seq) => message(nftType(NFT_MSG.DELSETELEM), REQ, seq, attrs));
      continue;
    }
    return null;
  }
  return out;
}

// nf_tables netlink messages, encoded as the kernel reads them (include/uapi/linux/netfilter/
// nf_tables.h, nfnetlink.h). Only what the proxier's incremental syncs use: chains, rules made of a
// few expressions, and set elements. The layout of each rule matches what `nft --debug=netlink`
// shows nft 1.0.6 sending for the same text, so `nft list` reads our rules back unchanged.
//
// Byte order, as the kernel expects it: netlink headers and attribute headers in host order; u32
// attribute values (registers, codes, lengths) in network order; data values as the set's or
// register's type says (addresses and ports network order, numgen keys host order).

const NLMSG_ERROR = 2;
const NFNL_SUBSYS_NFTABLES = 10;
const NFNL_MSG_BATCH_BEGIN = 0x10;
const NFNL_MSG_BATCH_END = 0x11;
export const NFPROTO_IPV4 = 2;

export const NLM_F_REQUEST = 0x1;
export const NLM_F_ACK = 0x4;
export const NLM_F_APPEND = 0x800;
export const NLM_F_CREATE = 0x400;

export const NFT_MSG = { NEWCHAIN: 3, DELCHAIN: 5, NEWRULE: 6, DELRULE: 8, NEWSETELEM: 12, DELSETELEM: 14, GETGEN: 16 } as const;

const NLA_F_NESTED = 0x8000;

/** One netlink attribute: a number type and a payload, or nested attributes. */
export type Attr = [type: number, value: Buffer | Attr[]];

export const u32be = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
export const str = (s: string): Buffer => Buffer.from(`${s}\0`);

function attrLength(a: Attr): number {
  const [, v] = a;
  const inner = Buffer.isBuffer(v) ? v.length : v.reduce((n, x) => n + align4(attrLength(x)), 0);
  return 4 + inner;
}
const align4 = (n: number) => (n + 3) & ~3;

function writeAttr(buf: Buffer, at: number, a: Attr): number {
  const [type, v] = a;
  const len = attrLength(a);
  buf.writeUInt16LE(len, at);
  buf.writeUInt16LE(Buffer.isBuffer(v) ? type : type | NLA_F_NESTED, at + 2);
  let p = at + 4;
  if (Buffer.isBuffer(v)) { v.copy(buf, p); p += v.length; } else for (const x of v) p = writeAttr(buf, p, x);
  // Padding bytes are already zero (Buffer.alloc).
  return at + align4(len);
}

/** A netlink message: nlmsghdr, nfgenmsg, attributes. */
export function message(type: number, flags: number, seq: number, attrs: Attr[], resId = 0): Buffer {
  const body = attrs.reduce((n, a) => n + align4(attrLength(a)), 0);
  const len = 16 + 4 + body;
  const buf = Buffer.alloc(len);
  buf.writeUInt32LE(len, 0);
  buf.writeUInt16LE(type, 4);
  buf.writeUInt16LE(flags, 6);
  buf.writeUInt32LE(seq >>> 0, 8);
  buf.writeUInt32LE(0, 12);
  buf.writeUInt8(NFPROTO_IPV4, 16);
  buf.writeUInt8(0, 17); // NFNETLINK_V0
  buf.writeUInt16BE(resId, 18);
  let p = 20;
  for (const a of attrs) p = writeAttr(buf, p, a);
  return buf;
}

export const nftType = (msg: number) => (NFNL_SUBSYS_NFTABLES << 8) | msg;

/**
 * One transaction: BEGIN, the messages (each asking for an ack), END; and a GETGEN request to send
 * after it as a datagram of its own (the kernel reads nothing after END in a batch's datagram).
 * Netlink answers in order, so the GETGEN reply marks the end of the batch's acks.
 */
export function batch(messages: ((seq: number) => Buffer)[], firstSeq: number): { bytes: Buffer; fence: Buffer; seqs: number[]; fenceSeq: number } {
  let seq = firstSeq;
  const parts = [message(NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, seq++, [], NFNL_SUBSYS_NFTABLES)];
  const seqs: number[] = [];
  for (const m of messages) { seqs.push(seq); parts.push(m(seq++)); }
  parts.push(message(NFNL_MSG_BATCH_END, NLM_F_REQUEST, seq++, [], NFNL_SUBSYS_NFTABLES));
  const fenceSeq = seq++;
  return { bytes: Buffer.concat(parts), fence: message(nftType(NFT_MSG.GETGEN), NLM_F_REQUEST, fenceSeq, []), seqs, fenceSeq };
}

export interface Reply { seq: number; type: number; error?: number }

/** Splits what the kernel sent into messages: acks and errors (negative errno), other replies. */
export function parseReplies(buf: Buffer): Reply[] {
  const out: Reply[] = [];
  let p = 0;
  while (p + 16 <= buf.length) {
    const len = buf.readUInt32LE(p);
    if (len < 16 || p + len > buf.length) break;
    const type = buf.readUInt16LE(p + 4);
    const seq = buf.readUInt32LE(p + 8);
    // An ack is an error message with error 0; it carries the request's sequence number.
    if (type === NLMSG_ERROR && len >= 20) out.push({ seq, type, error: buf.readInt32LE(p + 16) });
    else out.push({ seq, type });
    p += align4(len);
  }
  return out;
}

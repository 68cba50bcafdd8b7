// The DNS wire format (RFC 1035), by hand: enough to read queries (and responses, for tests) and
// write answers with A, AAAA, CNAME, SRV and PTR records. Names are written uncompressed (always
// legal); compression pointers are followed when reading.
export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, ANY: 255 } as const;
export const CLASS_IN = 1;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export interface Question { name: string; type: number; class: number }
export type RecordData =
  | { type: typeof TYPE.A; address: string }
  | { type: typeof TYPE.CNAME | typeof TYPE.PTR; target: string }
  | { type: typeof TYPE.SRV; priority: number; weight: number; port: number; target: string }
  | { type: number; raw: Buffer };
export type ResourceRecord = { name: string; ttl: number; class?: number } & RecordData;

export interface Message {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  rcode: number;
  questions: Question[];
  answers: ResourceRecord[];
}

export class WireError extends Error {}

function readName(buf: Buffer, offset: number): [string, number] {
  const labels: string[] = [];
  let end = -1;
  let jumps = 0;
  for (;;) {
    if (offset >= buf.length) throw new WireError('name runs past the message');
    const len = buf[offset]!;
    if ((len & 0xc0) === 0xc0) {
      if (offset + 1 >= buf.length) throw new WireError('truncated pointer');
      if (++jumps > 64) throw new WireError('compression loop');
      if (end < 0) end = offset + 2;
      offset = ((len & 0x3f) << 8) | buf[offset + 1]!;
      continue;
    }
    if (len & 0xc0) throw new WireError('bad label type');
    offset++;
    if (len === 0) break;
    if (offset + len > buf.length) throw new WireError('label runs past the message');
    labels.push(buf.toString('latin1', offset, offset + len));
    offset += len;
  }
  return [labels.join('.'), end < 0 ? offset : end];
}

function nameBytes(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  const out: number[] = [];
  for (const p of parts) {
    const b = Buffer.from(p, 'latin1');
    if (b.length > 63) throw new WireError(`label longer than 63 bytes in ${name}`);
    out.push(b.length, ...b);
  }
  out.push(0);
  return Buffer.from(out);
}

function rdata(r: ResourceRecord): Buffer {
  if (r.type === TYPE.A && 'address' in r) return Buffer.from(r.address.split('.').map(Number));
  if ((r.type === TYPE.CNAME || r.type === TYPE.PTR) && 'target' in r && !('port' in r)) return nameBytes(r.target);
  if (r.type === TYPE.SRV && 'port' in r) {
    const h = Buffer.alloc(6);
    h.writeUInt16BE(r.priority, 0); h.writeUInt16BE(r.weight, 2); h.writeUInt16BE(r.port, 4);
    return Buffer.concat([h, nameBytes(r.target)]);
  }
  if ('raw' in r) return r.raw;
  throw new WireError(`cannot encode record type ${r.type}`);
}

export function encode(m: Message): Buffer {
  const parts: Buffer[] = [];
  const h = Buffer.alloc(12);
  h.writeUInt16BE(m.id, 0);
  h.writeUInt16BE((m.qr ? 0x8000 : 0) | ((m.opcode & 15) << 11) | (m.aa ? 0x400 : 0) | (m.tc ? 0x200 : 0) | (m.rd ? 0x100 : 0) | (m.ra ? 0x80 : 0) | (m.rcode & 15), 2);
  h.writeUInt16BE(m.questions.length, 4);
  h.writeUInt16BE(m.answers.length, 6);
  parts.push(h);
  for (const q of m.questions) {
    const t = Buffer.alloc(4);
    t.writeUInt16BE(q.type, 0); t.writeUInt16BE(q.class, 2);
    parts.push(nameBytes(q.name), t);
  }
  parts.push(encodeRecords(m.answers));
  return Buffer.concat(parts);
}

/** The wire form of a list of resource records (an answer section without its count). */
export function encodeRecords(records: ResourceRecord[]): Buffer {
  const parts: Buffer[] = [];
  for (const r of records) {
    const d = rdata(r);
    const t = Buffer.alloc(10);
    t.writeUInt16BE(r.type, 0); t.writeUInt16BE(r.class ?? CLASS_IN, 2); t.writeUInt32BE(r.ttl, 4); t.writeUInt16BE(d.length, 8);
    parts.push(nameBytes(r.name), t, d);
  }
  return Buffer.concat(parts);
}

/**
 * Where the only question of a standard query ends, read without decoding it: -1 when the message is
 * not a plain query with exactly one uncompressed question (the caller then takes the slow path).
 */
export function singleQuestionEnd(buf: Buffer): number {
  if (buf.length < 17 || buf.readUInt16BE(4) !== 1 || (buf[2]! & 0xf8) !== 0) return -1; // QR=0, opcode 0
  let off = 12;
  for (;;) {
    if (off >= buf.length) return -1;
    const len = buf[off]!;
    if (len === 0) break;
    if (len & 0xc0) return -1;
    off += len + 1;
  }
  return off + 5 <= buf.length ? off + 5 : -1;
}

export function decode(buf: Buffer): Message {
  if (buf.length < 12) throw new WireError('message shorter than its header');
  const flags = buf.readUInt16BE(2);
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  let off = 12;
  const questions: Question[] = [];
  for (let i = 0; i < qd; i++) {
    const [name, o] = readName(buf, off);
    if (o + 4 > buf.length) throw new WireError('truncated question');
    questions.push({ name, type: buf.readUInt16BE(o), class: buf.readUInt16BE(o + 2) });
    off = o + 4;
  }
  const answers: ResourceRecord[] = [];
  for (let i = 0; i < an; i++) {
    const [name, o] = readName(buf, off);
    if (o + 10 > buf.length) throw new WireError('truncated record');
    const type = buf.readUInt16BE(o);
    const cls = buf.readUInt16BE(o + 2);
    const ttl = buf.readUInt32BE(o + 4);
    const len = buf.readUInt16BE(o + 8);
    const start = o + 10;
    if (start + len > buf.length) throw new WireError('truncated rdata');
    if (type === TYPE.A && len === 4) answers.push({ name, ttl, class: cls, type, address: [...buf.subarray(start, start + 4)].join('.') });
    else if (type === TYPE.CNAME || type === TYPE.PTR) answers.push({ name, ttl, class: cls, type, target: readName(buf, start)[0] });
    else if (type === TYPE.SRV && len >= 7) answers.push({ name, ttl, class: cls, type, priority: buf.readUInt16BE(start), weight: buf.readUInt16BE(start + 2), port: buf.readUInt16BE(start + 4), target: readName(buf, start + 6)[0] });
    else answers.push({ name, ttl, class: cls, type, raw: Buffer.from(buf.subarray(start, start + len)) });
    off = start + len;
  }
  return {
    id: buf.readUInt16BE(0), qr: !!(flags & 0x8000), opcode: (flags >> 11) & 15, aa: !!(flags & 0x400), tc: !!(flags & 0x200),
    rd: !!(flags & 0x100), ra: !!(flags & 0x80), rcode: flags & 15, questions, answers,
  };
}

// Cluster DNS server: UDP and TCP on one address, answering the cluster domain from informer caches
// and forwarding every other name to the node's upstream resolver (from /etc/resolv.conf).
//
// Answers for the cluster domain are kept encoded per question (name, type, class; case folded) and
// dropped whenever a Service or EndpointSlice changes, so a repeated query costs one header patch and
// one copy instead of decode + resolve + encode (which capped the server near 10,000 queries/s).
import dgram from 'node:dgram';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import type { Service } from '../api/core/v1/services.js';
import type { EndpointSlice } from '../api/discovery/v1/endpointslices.js';
import { resourceRef, type RestClient } from '../client/rest.js';
import { SharedInformerFactory } from '../client/informer/index.js';
import { resolve, type ClusterView } from './records.js';
import { decode, encode, encodeRecords, RCODE, singleQuestionEnd, WireError, type Message } from './wire.js';

const SERVICES = resourceRef('', 'v1', 'services');
const ENDPOINTSLICES = resourceRef('discovery.k8s.io', 'v1', 'endpointslices');
const BY_SERVICE = 'byService';

export interface DnsOptions {
  client: RestClient;
  listen: { host: string; port: number };
  clusterDomain?: string;
  /**
   * host:port (or host) of the resolvers for other names, comma-separated, tried in order (the next
   * when one does not answer in time); default the nameservers of /etc/resolv.conf.
   */
  upstream?: string;
  upstreamTimeoutMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface RunningDns {
  /** The bound UDP/TCP port (useful with port 0). */
  port: number;
  queries(): number;
  /** Queries answered from the encoded-answer cache. */
  cacheHits(): number;
  stop(): Promise<void>;
}

/** The nameservers of a resolv.conf, comma-separated (glibc uses the first three), or undefined. */
export function upstreamFromResolvConf(path = '/etc/resolv.conf'): string | undefined {
  try {
    const servers = [...readFileSync(path, 'utf8').matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1]!).slice(0, 3);
    return servers.length ? servers.join(',') : undefined;
  } catch {
    return undefined;
  }
}

function parseUpstream(s: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(s);
  if (s.includes(':') && !s.includes('.') && !s.startsWith('[')) return { host: s, port: 53 }; // bare IPv6
  return { host: m?.[1] ?? s, port: m?.[2] ? Number(m[2]) : 53 };
}

export async function startDns(opts: DnsOptions): Promise<RunningDns> {
  const domain = (opts.clusterDomain ?? 'cluster.local').toLowerCase().replace(/\.$/, '');
  const log = opts.log ?? (() => undefined);
  const factory = new SharedInformerFactory(opts.client, { log });
  const services = factory.informerFor<Service>(SERVICES);
  const slices = factory.informerFor<EndpointSlice>(ENDPOINTSLICES, {
    indexers: { [BY_SERVICE]: (s) => { const n = s.metadata.labels?.['kubernetes.io/service-name']; return n ? [`${s.metadata.namespace}/${n}`] : []; } },
  });
  factory.start();
  if (!(await factory.waitForCacheSync(60_000))) { await factory.stop(); throw new Error('dns: informer caches did not sync within 60 s'); }
  // Encoded cluster answers by case-folded question bytes; any informer event may change any answer
  // (a new Service turns NXDOMAIN into an address), so every event clears them all.
  const answers = new Map<string, { rcode: number; count: number; records: Buffer }>();
  const MAX_CACHED = 10_000;
  const invalidate = () => answers.clear();
  for (const inf of [services, slices]) inf.addEventHandler({ onAdd: invalidate, onUpdate: invalidate, onDelete: invalidate });
  let hits = 0;
  const view: ClusterView = {
    service: (ns, name) => services.indexer.get(ns, name),
    slices: (ns, name) => slices.indexer.byIndex(BY_SERVICE, `${ns}/${name}`),
  };
  const upstreamText = opts.upstream ?? upstreamFromResolvConf();
  const upstreams = (upstreamText ?? '').split(',').map((x) => x.trim()).filter(Boolean).map(parseUpstream);
  const upstreamTimeout = opts.upstreamTimeoutMs ?? 2000;
  let count = 0;

  const reply = (q: Message, rcode: number, answers: Message['answers'] = [], aa = false): Buffer =>
    encode({ id: q.id, qr: true, opcode: q.opcode, aa, tc: false, rd: q.rd, ra: true, rcode, questions: q.questions, answers });

  // Forwarded queries keep their bytes; the upstream's answer goes back as it came. A resolver that
  // does not answer in time (or cannot be reached) hands the query to the next, as glibc does.
  const askOne = (raw: Buffer, u: { host: string; port: number }): Promise<Buffer | null> => new Promise((done) => {
    const sock = dgram.createSocket(net.isIPv6(u.host) ? 'udp6' : 'udp4');
    const timer = setTimeout(() => { sock.close(); done(null); }, upstreamTimeout);
    sock.on('message', (m) => { clearTimeout(timer); sock.close(); done(m); });
    sock.on('error', () => { clearTimeout(timer); try { sock.close(); } catch { /* closed */ } done(null); });
    sock.send(raw, u.port, u.host);
  });
  const forward = async (raw: Buffer, q: Message): Promise<Buffer> => {
    for (const u of upstreams) {
      const answer = await askOne(raw, u);
      if (answer) return answer;
    }
    return reply(q, RCODE.SERVFAIL);
  };

  // The query's own header and question, then the cached records: byte for byte what
  // reply(q, rcode, answers, true) encodes for an uncompressed question.
  const fromCache = (raw: Buffer, end: number, c: { rcode: number; count: number; records: Buffer }): Buffer => {
    const out = Buffer.allocUnsafe(end + c.records.length);
    raw.copy(out, 0, 0, end);
    out.writeUInt16BE(0x8000 | 0x400 | (raw[2]! & 1 ? 0x100 : 0) | 0x80 | c.rcode, 2); // QR AA RD? RA
    out.writeUInt16BE(1, 4);
    out.writeUInt16BE(c.count, 6);
    out.writeUInt32BE(0, 8);
    c.records.copy(out, end);
    return out;
  };

  // Synchronous for the cluster domain (the common case); a promise only when forwarding.
  const answer = (raw: Buffer): Buffer | null | Promise<Buffer> => {
    const end = singleQuestionEnd(raw);
    const key = end > 0 ? raw.toString('latin1', 12, end).toLowerCase() : '';
    if (end > 0) {
      const c = answers.get(key);
      if (c) { count++; hits++; return fromCache(raw, end, c); }
    }
    let q: Message;
    try { q = decode(raw); } catch (err) {
      if (raw.length < 2 || !(err instanceof WireError)) return null;
      return encode({ id: raw.readUInt16BE(0), qr: true, opcode: 0, aa: false, tc: false, rd: false, ra: true, rcode: RCODE.FORMERR, questions: [], answers: [] });
    }
    count++;
    if (q.qr || q.opcode !== 0) return reply(q, RCODE.NOTIMP);
    const question = q.questions[0];
    if (q.questions.length !== 1 || !question) return reply(q, RCODE.FORMERR);
    const a = resolve(view, domain, question.name, question.type);
    if (a === null) return forward(raw, q);
    if (end < 0) return reply(q, a.rcode, a.answers, true);
    const c = { rcode: a.rcode, count: a.answers.length, records: encodeRecords(a.answers) };
    if (answers.size >= MAX_CACHED) answers.clear();
    answers.set(key, c);
    return fromCache(raw, end, c);
  };
  const settle = (out: Buffer | null | Promise<Buffer>, done: (b: Buffer | null) => void, fail: (e: unknown) => void) => {
    if (out instanceof Promise) out.then(done, fail); else done(out);
  };

  const failed = (err: unknown) => log('dns: query failed', { error: (err as Error).message });
  const newUdp = () => {
    const sock = dgram.createSocket(net.isIPv6(opts.listen.host) ? 'udp6' : 'udp4');
    sock.on('message', (msg, rinfo) => {
      let out: Buffer | null | Promise<Buffer>;
      try { out = answer(msg); } catch (err) { failed(err); return; }
      settle(out, (b) => {
        if (!b) return;
        // Too big for UDP: send the header and question with TC set, so the client retries on TCP.
        if (b.length > 512) {
          const q = decode(msg);
          b = encode({ id: q.id, qr: true, opcode: 0, aa: true, tc: true, rd: q.rd, ra: true, rcode: 0, questions: q.questions, answers: [] });
        }
        sock.send(b, rinfo.port, rinfo.address);
      }, failed);
    });
    return sock;
  };
  const bindUdp = (sock: dgram.Socket, port: number) =>
    new Promise<void>((ok, fail) => { sock.once('error', fail); sock.bind(port, opts.listen.host, () => { sock.off('error', fail); ok(); }); });
  let udp = newUdp();
  await bindUdp(udp, opts.listen.port);
  let port = udp.address().port;
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.setTimeout(10_000, () => s.destroy());
    let buf = Buffer.alloc(0);
    s.on('data', (b: Buffer) => {
      buf = Buffer.concat([buf, b]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        let out: Buffer | null | Promise<Buffer>;
        try { out = answer(Buffer.from(msg)); } catch { s.destroy(); continue; }
        settle(out, (b) => {
          if (!b || s.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(b.length);
          s.write(Buffer.concat([len, b]));
        }, () => s.destroy());
      }
    });
  });
  const listenTcp = () => new Promise<void>((ok, fail) => { tcp.once('error', fail); tcp.listen(port, opts.listen.host, () => { tcp.off('error', fail); ok(); }); });
  // UDP and TCP share one port number. With port 0 the kernel picked the UDP port, and another
  // process may hold that number for TCP: pick again (a few times) rather than fail.
  for (let attempt = 1; ; attempt++) {
    try {
      await listenTcp();
      break;
    } catch (err) {
      udp.close();
      const retry = opts.listen.port === 0 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < 10;
      if (!retry) {
        await factory.stop();
        throw err;
      }
      udp = newUdp();
      await bindUdp(udp, 0);
      port = udp.address().port;
    }
  }
  log('dns: serving', { address: `${opts.listen.host}:${port}`, domain, upstream: upstreamText });
  return {
    port,
    queries: () => count,
    cacheHits: () => hits,
    async stop() {
      udp.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => tcp.close(() => r()));
      await factory.stop();
    },
  };
}

// Cluster DNS server: UDP and TCP on one address, answering the cluster domain from informer caches
// and forwarding every other name to the node's upstream resolver (from /etc/resolv.conf).
import dgram from 'node:dgram';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import type { Service } from '../api/core/v1/services.js';
import type { EndpointSlice } from '../api/discovery/v1/endpointslices.js';
import { resourceRef, type RestClient } from '../client/rest.js';
import { SharedInformerFactory } from '../client/informer/index.js';
import { resolve, type ClusterView } from './records.js';
import { decode, encode, RCODE, WireError, type Message } from './wire.js';

const SERVICES = resourceRef('', 'v1', 'services');
const ENDPOINTSLICES = resourceRef('discovery.k8s.io', 'v1', 'endpointslices');
const BY_SERVICE = 'byService';

export interface DnsOptions {
  client: RestClient;
  listen: { host: string; port: number };
  clusterDomain?: string;
  /** host:port (or host) of the resolver for other names; default the first nameserver in /etc/resolv.conf. */
  upstream?: string;
  upstreamTimeoutMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface RunningDns {
  /** The bound UDP/TCP port (useful with port 0). */
  port: number;
  queries(): number;
  stop(): Promise<void>;
}

export function upstreamFromResolvConf(path = '/etc/resolv.conf'): string | undefined {
  try {
    const m = /^\s*nameserver\s+(\S+)/m.exec(readFileSync(path, 'utf8'));
    return m?.[1];
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
  const view: ClusterView = {
    service: (ns, name) => services.indexer.get(ns, name),
    slices: (ns, name) => slices.indexer.byIndex(BY_SERVICE, `${ns}/${name}`),
  };
  const upstreamText = opts.upstream ?? upstreamFromResolvConf();
  const upstream = upstreamText ? parseUpstream(upstreamText) : undefined;
  const upstreamTimeout = opts.upstreamTimeoutMs ?? 2000;
  let count = 0;

  const reply = (q: Message, rcode: number, answers: Message['answers'] = [], aa = false): Buffer =>
    encode({ id: q.id, qr: true, opcode: q.opcode, aa, tc: false, rd: q.rd, ra: true, rcode, questions: q.questions, answers });

  // Forwarded queries keep their bytes; the upstream's answer goes back as it came.
  const forward = (raw: Buffer, q: Message): Promise<Buffer> => new Promise((done) => {
    if (!upstream) return done(reply(q, RCODE.SERVFAIL));
    const sock = dgram.createSocket(net.isIPv6(upstream.host) ? 'udp6' : 'udp4');
    const timer = setTimeout(() => { sock.close(); done(reply(q, RCODE.SERVFAIL)); }, upstreamTimeout);
    sock.on('message', (m) => { clearTimeout(timer); sock.close(); done(m); });
    sock.on('error', () => { clearTimeout(timer); try { sock.close(); } catch { /* closed */ } done(reply(q, RCODE.SERVFAIL)); });
    sock.send(raw, upstream.port, upstream.host);
  });

  const answer = async (raw: Buffer): Promise<Buffer | null> => {
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
    return reply(q, a.rcode, a.answers, true);
  };

  const udp = dgram.createSocket(net.isIPv6(opts.listen.host) ? 'udp6' : 'udp4');
  udp.on('message', (msg, rinfo) => {
    void answer(msg).then((out) => {
      if (!out) return;
      // Too big for UDP: send the header and question with TC set, so the client retries on TCP.
      if (out.length > 512) {
        const q = decode(msg);
        out = encode({ id: q.id, qr: true, opcode: 0, aa: true, tc: true, rd: q.rd, ra: true, rcode: 0, questions: q.questions, answers: [] });
      }
      udp.send(out, rinfo.port, rinfo.address);
    }, (err) => log('dns: query failed', { error: (err as Error).message }));
  });
  await new Promise<void>((ok, fail) => { udp.once('error', fail); udp.bind(opts.listen.port, opts.listen.host, () => { udp.off('error', fail); ok(); }); });
  const port = udp.address().port;
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
        void answer(Buffer.from(msg)).then((out) => {
          if (!out || s.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(out.length);
          s.write(Buffer.concat([len, out]));
        }, () => s.destroy());
      }
    });
  });
  try {
    await new Promise<void>((ok, fail) => { tcp.once('error', fail); tcp.listen(port, opts.listen.host, () => { tcp.off('error', fail); ok(); }); });
  } catch (err) {
    udp.close();
    await factory.stop();
    throw err;
  }
  log('dns: serving', { address: `${opts.listen.host}:${port}`, domain, upstream: upstreamText });
  return {
    port,
    queries: () => count,
    async stop() {
      udp.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => tcp.close(() => r()));
      await factory.stop();
    },
  };
}

// A tiny DNS client for end-to-end tests, run inside the server's network namespace (nsenter):
//   node dns-ask.js SERVER [--tcp] NAME:TYPE ...
// prints one JSON array: for each question, the rcode and the answers (address, target or port).
// The host has no dig; this speaks the same wire format through src/dns/wire.ts.
import dgram from 'node:dgram';
import net from 'node:net';
import { decode, encode, TYPE, type Message } from '../../src/dns/wire.js';

const TIMEOUT_MS = 3000;

function query(id: number, name: string, type: number): Buffer {
  return encode({ id, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, rcode: 0, questions: [{ name, type, class: 1 }], answers: [] });
}

function udp(server: string, q: Buffer): Promise<Message> {
  const s = dgram.createSocket('udp4');
  return new Promise<Message>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no UDP answer')), TIMEOUT_MS);
    s.on('message', (m) => { clearTimeout(t); resolve(decode(m)); });
    s.on('error', (e) => { clearTimeout(t); reject(e); });
    s.send(q, 53, server);
  }).finally(() => s.close());
}

function tcp(server: string, q: Buffer): Promise<Message> {
  return new Promise<Message>((resolve, reject) => {
    const s = net.connect(53, server);
    const t = setTimeout(() => { s.destroy(); reject(new Error('no TCP answer')); }, TIMEOUT_MS);
    let buf = Buffer.alloc(0);
    s.on('connect', () => { const len = Buffer.alloc(2); len.writeUInt16BE(q.length); s.write(Buffer.concat([len, q])); });
    s.on('data', (b: Buffer) => {
      buf = Buffer.concat([buf, b]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) { clearTimeout(t); s.end(); resolve(decode(buf.subarray(2, 2 + buf.readUInt16BE(0)))); }
    });
    s.on('error', (e) => { clearTimeout(t); reject(e); });
  });
}

const [server, ...rest] = process.argv.slice(2);
const useTcp = rest[0] === '--tcp';
const questions = useTcp ? rest.slice(1) : rest;
const out = [];
for (const [i, q] of questions.entries()) {
  const [name, type = 'A'] = q.split(':');
  const m = await (useTcp ? tcp : udp)(server!, query(i + 1, name!, TYPE[type as keyof typeof TYPE]));
  out.push({
    name, type, rcode: m.rcode,
    answers: m.answers.map((a) => ('address' in a ? a.address : 'port' in a ? `${a.port} ${a.target}` : 'target' in a ? a.target : '?')),
  });
}
process.stdout.write(`${JSON.stringify(out)}\n`);

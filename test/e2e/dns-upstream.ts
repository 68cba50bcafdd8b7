// A stand-in for the node's upstream resolver in end-to-end tests, run inside the server's network
// namespace (nsenter):  node dns-upstream.js ADDRESS ANSWER_IP
// Answers every A question over UDP port 53 with ANSWER_IP (other types: no records), and prints
// "ready" once bound. Runs until killed.
import dgram from 'node:dgram';
import { decode, encode, RCODE, TYPE } from '../../src/dns/wire.js';

const [address, answerIP] = process.argv.slice(2);
if (!address || !answerIP) {
  process.stderr.write('usage: dns-upstream ADDRESS ANSWER_IP\n');
  process.exit(2);
}
const sock = dgram.createSocket('udp4');
sock.on('message', (raw, from) => {
  try {
    const q = decode(raw);
    const question = q.questions[0];
    const answers = question && question.type === TYPE.A ? [{ name: question.name, ttl: 30, type: TYPE.A, address: answerIP }] : [];
    sock.send(encode({ ...q, qr: true, aa: false, ra: true, rcode: RCODE.NOERROR, answers }), from.port, from.address);
  } catch { /* not a query: ignore */ }
});
sock.bind(53, address, () => process.stdout.write('ready\n'));

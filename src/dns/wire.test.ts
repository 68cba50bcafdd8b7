import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode, encodeRecords, RCODE, singleQuestionEnd, TYPE, WireError, type Message } from './wire.js';

const base: Message = { id: 0xbeef, qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: true, rcode: RCODE.NOERROR, questions: [], answers: [] };

test('a response with A, CNAME and SRV records survives encode and decode', () => {
  const m: Message = {
    ...base,
    questions: [{ name: 'web.default.svc.cluster.local', type: TYPE.A, class: 1 }],
    answers: [
      { name: 'web.default.svc.cluster.local', ttl: 5, type: TYPE.A, address: '10.96.0.10' },
      { name: 'ext.default.svc.cluster.local', ttl: 5, type: TYPE.CNAME, target: 'example.com' },
      { name: '_http._tcp.web.default.svc.cluster.local', ttl: 5, type: TYPE.SRV, priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' },
    ],
  };
  const d = decode(encode(m));
  assert.deepEqual(d, { ...m, answers: m.answers.map((a) => ({ ...a, class: 1 })) });
});

test('the header flags are where RFC 1035 puts them', () => {
  const b = encode({ ...base, rcode: RCODE.NXDOMAIN });
  assert.equal(b.readUInt16BE(0), 0xbeef);
  assert.equal(b.readUInt16BE(2), 0x8000 | 0x400 | 0x100 | 0x80 | 3);
});

test('compressed names in a message are followed', () => {
  // Question "a.example" at offset 12, then an answer whose name is a pointer to it.
  const q = Buffer.from([1, 97, 7, ...Buffer.from('example'), 0, 0, 1, 0, 1]);
  const ans = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]);
  const h = Buffer.from([0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
  const d = decode(Buffer.concat([h, q, ans]));
  assert.deepEqual(d.answers[0], { name: 'a.example', ttl: 60, class: 1, type: TYPE.A, address: '192.0.2.1' });
});

test('malformed messages are refused with a WireError, and pointer loops end', () => {
  assert.throws(() => decode(Buffer.alloc(5)), WireError);
  const loop = Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12]);
  assert.throws(() => decode(loop), WireError);
  assert.throws(() => encode({ ...base, questions: [{ name: `${'a'.repeat(64)}.com`, type: 1, class: 1 }] }), WireError);
});

test('finds the end of the one question of a plain query, and refuses anything else', () => {
  const q = encode({ ...base, qr: false, aa: false, ra: false, questions: [{ name: 'web.default.svc.cluster.local', type: TYPE.A, class: 1 }] });
  assert.equal(singleQuestionEnd(q), q.length);
  assert.equal(singleQuestionEnd(encode({ ...base, questions: [{ name: 'a.b', type: TYPE.A, class: 1 }] })), -1, 'a response');
  const two = encode({ ...base, qr: false, questions: [{ name: 'a.b', type: TYPE.A, class: 1 }, { name: 'c.d', type: TYPE.A, class: 1 }] });
  assert.equal(singleQuestionEnd(two), -1, 'two questions');
  const compressed = Buffer.concat([q.subarray(0, 12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]);
  assert.equal(singleQuestionEnd(compressed), -1, 'a compressed name');
  assert.equal(singleQuestionEnd(q.subarray(0, q.length - 2)), -1, 'a truncated question');
});

test('encodeRecords writes exactly the answer section encode writes', () => {
  const answers: Message['answers'] = [{ name: 'web.default.svc.cluster.local', ttl: 5, type: TYPE.A, address: '10.96.0.10' }];
  const whole = encode({ ...base, answers });
  assert.deepEqual(encodeRecords(answers), whole.subarray(12));
});

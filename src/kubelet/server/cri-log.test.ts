import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCriLog, renderLogs } from './cri-log.js';

const log = [
  '2026-11-25T19:29:33.056004953Z stdout F hello',
  '2026-11-25T19:29:34.000000000Z stderr P part one ',
  '2026-11-25T19:29:34.100000000Z stderr F and two',
  'garbage',
  '2026-11-25T19:29:35.000000000Z stdout F ',
  '2026-11-25T19:29:36.000000000Z stdout F last',
].join('\n');

test('parses CRI log records, joining partial lines', () => {
  assert.deepEqual(parseCriLog(log).map((l) => [l.stream, l.text]), [['stdout', 'hello'], ['stderr', 'part one and two'], ['stdout', ''], ['stdout', 'last']]);
});

test('renders with tail, timestamps, since and a byte limit as kubectl logs asks', () => {
  const lines = parseCriLog(log);
  assert.equal(renderLogs(lines), 'hello\npart one and two\n\nlast\n');
  assert.equal(renderLogs(lines, { tailLines: 1, timestamps: true }), '2026-11-25T19:29:36.000000000Z last\n');
  assert.equal(renderLogs(lines, { sinceTime: '2026-11-25T19:29:35Z' }), '\nlast\n');
  assert.equal(renderLogs(lines, { limitBytes: 3 }), 'hel');
  assert.equal(renderLogs(lines, { tailLines: 0 }), '');
});

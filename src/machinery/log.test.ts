import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from './log.js';

function capture(v: number) {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('scheduler', { write: (l) => { assert.ok(l.endsWith('\n')); assert.equal(l.indexOf('\n'), l.length - 1); lines.push(JSON.parse(l)); }, now: () => new Date(0), verbosity: () => v });
  return { log, lines };
}

test('each event is one JSON line with time, level, component and message first', () => {
  const { log, lines } = capture(0);
  log.warn('pod unschedulable', { pod: 'default/web-1', msg: 'ignored', err: new Error('boom') });
  assert.deepEqual(lines, [{ ts: '1970-01-01T00:00:00.000Z', level: 'warn', component: 'scheduler', msg: 'pod unschedulable', pod: 'default/web-1', err: 'boom' }]);
});

test('V(n) info lines show only when verbosity is at least n', () => {
  const quiet = capture(1);
  quiet.log.v(2).info('detail');
  quiet.log.v(1).info('shown');
  assert.equal(quiet.log.v(2).enabled, false);
  assert.deepEqual(quiet.lines.map((l) => [l.msg, l.v]), [['shown', 1]]);
  const loud = capture(4);
  loud.log.v(4).info('trace');
  assert.equal(loud.lines.length, 1);
});

test('with() adds fields to every line of the derived logger', () => {
  const { log, lines } = capture(0);
  log.with({ node: 'n1' }).error('sync failed', { pod: 'a/b' });
  assert.deepEqual(lines[0], { ts: '1970-01-01T00:00:00.000Z', level: 'error', component: 'scheduler', msg: 'sync failed', node: 'n1', pod: 'a/b' });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../machinery/clock.js';
import { Expectations } from './expectations.js';

test('unsatisfied until every expected creation is observed', () => {
  const e = new Expectations(new FakeClock());
  assert.ok(e.satisfied('ns/a'), 'no record: satisfied');
  e.expectCreations('ns/a', 2);
  assert.ok(!e.satisfied('ns/a'));
  e.creationObserved('ns/a');
  assert.ok(!e.satisfied('ns/a'));
  e.creationObserved('ns/a');
  assert.ok(e.satisfied('ns/a'));
});

test('a deletion counts once per pod, and only for pods we asked to delete', () => {
  const e = new Expectations(new FakeClock());
  e.expectDeletions('ns/a', ['ns/p1', 'ns/p2']);
  e.deletionObserved('ns/a', 'ns/p1');
  e.deletionObserved('ns/a', 'ns/p1');
  e.deletionObserved('ns/a', 'ns/other');
  assert.deepEqual(e.pending('ns/a'), { add: 0, del: 1 });
  assert.ok(!e.satisfied('ns/a'));
  e.deletionObserved('ns/a', 'ns/p2');
  assert.ok(e.satisfied('ns/a'));
});

test('an expectation older than the timeout no longer blocks', () => {
  const clock = new FakeClock();
  const e = new Expectations(clock, 1000);
  e.expectCreations('ns/a', 5);
  clock.advance(1000);
  assert.ok(!e.satisfied('ns/a'));
  clock.advance(1);
  assert.ok(e.satisfied('ns/a'));
});

test('deleting the record satisfies it', () => {
  const e = new Expectations(new FakeClock());
  e.expectCreations('ns/a', 1);
  e.delete('ns/a');
  assert.ok(e.satisfied('ns/a'));
  assert.equal(e.pending('ns/a'), undefined);
});

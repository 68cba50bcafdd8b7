import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/resource.js';
import { DeletedFinalStateUnknown, relistDiff } from './relist.js';

const obj = (ns: string, name: string, rv: string, uid = `uid-${name}`): KubeObject => ({ metadata: { namespace: ns, name, resourceVersion: rv, uid } });

test('a relist yields adds for new objects, updates for moved ones, deletes for vanished ones', () => {
  const cached = new Map<string, KubeObject>([
    ['a/same', obj('a', 'same', '5')],
    ['a/changed', obj('a', 'changed', '6')],
    ['a/gone', obj('a', 'gone', '7')],
  ]);
  const listed = [obj('a', 'same', '5'), obj('a', 'changed', '9'), obj('b', 'new', '10')];
  const d = relistDiff(cached, listed);
  assert.deepEqual(d.added.map((o) => o.metadata.name), ['new']);
  assert.deepEqual(d.updated.map((u) => [u.old.metadata.resourceVersion, u.cur.metadata.resourceVersion]), [['6', '9']]);
  assert.equal(d.deleted.length, 1);
  assert.ok(d.deleted[0] instanceof DeletedFinalStateUnknown);
  assert.equal(d.deleted[0]!.key, 'a/gone');
  assert.equal(d.deleted[0]!.obj.metadata.resourceVersion, '7', 'carries the last state seen');
});

test('an unchanged list produces no events at all (no duplicates after a relist)', () => {
  const items = [obj('a', 'x', '1'), obj('a', 'y', '2')];
  const d = relistDiff(new Map(items.map((o) => [`a/${o.metadata.name}`, o])), items.map((o) => structuredClone(o)));
  assert.deepEqual(d, { added: [], updated: [], deleted: [] });
});

test('an object deleted and recreated under the same name is a delete then an add', () => {
  const d = relistDiff(new Map([['a/x', obj('a', 'x', '1', 'old')]]), [obj('a', 'x', '8', 'new')]);
  assert.deepEqual(d.deleted.map((x) => x.obj.metadata.uid), ['old']);
  assert.deepEqual(d.added.map((x) => x.metadata.uid), ['new']);
  assert.equal(d.updated.length, 0);
});

test('cluster-scoped objects are keyed by name alone', () => {
  const d = relistDiff(new Map([['n1', { metadata: { name: 'n1', resourceVersion: '1' } }]]), [{ metadata: { name: 'n1', resourceVersion: '1' } }]);
  assert.deepEqual(d, { added: [], updated: [], deleted: [] });
});

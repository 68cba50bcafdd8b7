import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/resource.js';
import { parseSelector } from '../../machinery/labels/selector.js';
import { parseFieldSelector } from '../../machinery/fields/selector.js';
import { Indexer, NAMESPACE_INDEX, fieldIndex, labelIndex, objectKey } from './store.js';

const pod = (ns: string, name: string, node?: string, labels?: Record<string, string>): KubeObject =>
  ({ metadata: { namespace: ns, name, labels }, spec: node ? { nodeName: node } : {} });

test('objects are keyed "namespace/name" and filed by namespace', () => {
  const ix = new Indexer();
  ix.set(pod('a', 'p1'));
  ix.set(pod('b', 'p2'));
  ix.set({ metadata: { name: 'node1' } });
  assert.equal(objectKey(pod('a', 'p1')), 'a/p1');
  assert.equal(ix.getByKey('a/p1')?.metadata.name, 'p1');
  assert.equal(ix.get(undefined, 'node1')?.metadata.name, 'node1');
  assert.deepEqual(ix.byIndex(NAMESPACE_INDEX, 'b').map((o) => o.metadata.name), ['p2']);
  assert.equal(ix.list().length, 3);
});

test('a custom index follows updates and deletes (pods by spec.nodeName)', () => {
  const ix = new Indexer({ byNode: fieldIndex('spec.nodeName') });
  ix.set(pod('a', 'p1', 'n1'));
  ix.set(pod('a', 'p2', 'n1'));
  ix.set(pod('a', 'p3'));
  assert.deepEqual(ix.byIndex('byNode', 'n1').map((o) => o.metadata.name).sort(), ['p1', 'p2']);
  ix.set(pod('a', 'p2', 'n2'));
  assert.deepEqual(ix.byIndex('byNode', 'n1').map((o) => o.metadata.name), ['p1']);
  assert.deepEqual(ix.byIndex('byNode', 'n2').map((o) => o.metadata.name), ['p2']);
  ix.deleteKey('a/p1');
  assert.deepEqual(ix.byIndex('byNode', 'n1'), []);
  assert.deepEqual(ix.indexValues('byNode'), ['n2']);
});

test('an index added later files the objects already cached', () => {
  const ix = new Indexer();
  ix.set(pod('a', 'p1', undefined, { app: 'web' }));
  ix.set(pod('a', 'p2', undefined, { app: 'db' }));
  ix.addIndexers({ byApp: labelIndex('app') });
  assert.deepEqual(ix.byIndex('byApp', 'web').map((o) => o.metadata.name), ['p1']);
  assert.throws(() => ix.addIndexers({ byApp: labelIndex('tier') }), /already exists/);
  assert.throws(() => ix.byIndex('nope', 'x'), /does not exist/);
});

test('label and field selectors filter the cache as listers do', () => {
  const ix = new Indexer();
  ix.set(pod('a', 'p1', 'n1', { app: 'web' }));
  ix.set(pod('b', 'p2', 'n2', { app: 'web' }));
  ix.set(pod('a', 'p3', 'n1', { app: 'db' }));
  assert.deepEqual(ix.select(parseSelector('app=web')).map((o) => o.metadata.name).sort(), ['p1', 'p2']);
  assert.deepEqual(ix.select(parseSelector('app=web'), 'a').map((o) => o.metadata.name), ['p1']);
  assert.deepEqual(ix.selectFields(parseFieldSelector('spec.nodeName=n1')).map((o) => o.metadata.name).sort(), ['p1', 'p3']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemaNode } from '../patch/schema-meta.js';
import { Deployment, Pod } from '../patch/test-schemas.js';
import { compareValues, mergeValues, toFieldSet } from './typed.js';

const pod = schemaNode(Pod);

test('the field set of a configuration owns leaves, list items and map entries, not named parents', () => {
  const errs: string[] = [];
  const s = toFieldSet({ metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', args: ['x'] }], volumes: [{ name: 'v', emptyDir: {} }] } }, pod, errs);
  assert.deepEqual(errs, []);
  assert.deepEqual(s.toFieldsV1(), {
    'f:metadata': { 'f:labels': { 'f:a': {} } },
    'f:spec': {
      'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:args': {}, 'f:name': {} } },
      'f:volumes': { 'k:{"name":"v"}': { '.': {}, 'f:emptyDir': {}, 'f:name': {} } },
    },
  });
});

test('configuration errors read like structured-merge-diff', () => {
  const errs: string[] = [];
  toFieldSet({ spec: { containers: [{ name: 'a' }, { name: 'a' }], bogus: 1 } }, pod, errs);
  assert.deepEqual(errs, ['.spec.containers: duplicate entries for key [name="a"]', '.spec.bogus: field not declared in schema']);
  const e2: string[] = [];
  toFieldSet({ spec: { containers: [{ image: 'x' }] } }, pod, e2);
  assert.match(e2[0], /omits key field "name"/);
});

test('merging keeps live-only items in place and orders shared items as applied', () => {
  const live = { spec: { containers: [{ name: 'a', image: '1' }, { name: 'x', image: 'live' }, { name: 'b', image: '1' }] } };
  const out = mergeValues(live, { spec: { containers: [{ name: 'b', image: '2' }, { name: 'a' }, { name: 'n', image: 'new' }] } }, pod) as any;
  assert.deepEqual(out.spec.containers.map((c: any) => `${c.name}:${c.image}`), ['x:live', 'b:2', 'a:1', 'n:new']);
});

test('atomic maps and lists are replaced whole by the configuration', () => {
  const d = schemaNode(Deployment);
  const out = mergeValues({ spec: { selector: { matchLabels: { a: '1', b: '2' } } } }, { spec: { selector: { matchLabels: { c: '3' } } } }, d) as any;
  assert.deepEqual(out.spec.selector, { matchLabels: { c: '3' } });
});

test('compare reports added, modified and removed leaves and items', () => {
  const c = compareValues(
    { spec: { containers: [{ name: 'a', image: '1' }, { name: 'gone', image: 'x' }] } },
    { spec: { containers: [{ name: 'a', image: '2' }, { name: 'new', image: 'y' }] } }, pod);
  assert.deepEqual(c.modified.paths(), [['f:spec', 'f:containers', 'k:{"name":"a"}', 'f:image']]);
  assert.ok(c.added.has(['f:spec', 'f:containers', 'k:{"name":"new"}']));
  assert.ok(c.added.has(['f:spec', 'f:containers', 'k:{"name":"new"}', 'f:image']));
  assert.ok(c.removed.has(['f:spec', 'f:containers', 'k:{"name":"gone"}']));
  assert.equal(c.added.has(['f:spec']), false, 'struct fields are not owned as a whole');
});

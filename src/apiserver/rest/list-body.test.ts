import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listBody } from './list-body.js';

test('a list body is the head, the items joined by commas, and the closing brackets, in UTF-8', () => {
  const head = '{"kind":"PodList","metadata":{"resourceVersion":"7"},"items":[';
  const objects = [{ a: 1 }, { b: 'ünïcødé ✓ 🚀' }, { c: [] }, { d: 'ö' }];
  const items = [
    { obj: objects[0], json: JSON.stringify(objects[0]) },
    { obj: objects[1] }, // encoded on the spot
    { obj: objects[2], jsonParts: [Buffer.from('{"c"'), Buffer.from(':[]}')] },
    { obj: objects[3], jsonParts: [Buffer.from(JSON.stringify(objects[3]))] },
  ];
  const body = listBody(head, items);
  assert.deepEqual(JSON.parse(body.toString('utf8')), { kind: 'PodList', metadata: { resourceVersion: '7' }, items: objects });
  assert.equal(body.toString('utf8'), `${head}${objects.map((o) => JSON.stringify(o)).join(',')}]}`);
});

test('an empty list body is valid JSON', () => {
  assert.deepEqual(JSON.parse(listBody('{"items":[', []).toString()), { items: [] });
});

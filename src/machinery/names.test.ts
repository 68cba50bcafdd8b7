import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateNameSuffix, generateName, newUid, NAME_SUFFIX_ALPHABET } from './names.js';
import { isDNS1123Label } from './validation/names.js';

test('the name suffix is 5 characters drawn from the injected randomness', () => {
  const seq = [0, 1, 2, 25, 26];
  let i = 0;
  const calls: number[] = [];
  const s = generateNameSuffix((n) => { calls.push(n); return seq[i++]!; });
  assert.equal(s, 'bcd89');
  assert.deepEqual(calls, [27, 27, 27, 27, 27]);
});

test('the alphabet has no vowels or confusable digits', () => {
  assert.equal(NAME_SUFFIX_ALPHABET, 'bcdfghjklmnpqrstvwxz2456789');
  assert.doesNotMatch(NAME_SUFFIX_ALPHABET, /[aeiou013y]/);
});

test('real randomness yields valid, varying suffixes', () => {
  const seen = new Set<string>();
  for (let k = 0; k < 50; k++) {
    const s = generateNameSuffix();
    assert.match(s, /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    seen.add(s);
  }
  assert.ok(seen.size > 40);
});

test('generateName cuts long bases so the result stays a 63-character label', () => {
  const name = generateName('x'.repeat(80) + '-', () => 0);
  assert.equal(name.length, 63);
  assert.equal(name, 'x'.repeat(58) + 'bbbbb');
  assert.deepEqual(isDNS1123Label(name), []);
  assert.equal(generateName('web-', () => 3), 'web-fffff');
});

test('newUid returns distinct v4 UUIDs', () => {
  const a = newUid();
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, newUid());
});

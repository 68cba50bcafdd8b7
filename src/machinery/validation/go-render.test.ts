import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goQuote, goStringSlice, goTime } from './go-render.js';

test('renders values the way Go\'s fmt prints them in field errors', () => {
  assert.equal(goQuote('a"b'), '"a\\"b"');
  assert.equal(goStringSlice(['a', 'b']), '[]string{"a", "b"}');
  assert.equal(goStringSlice([]), '[]string{}');
  assert.equal(goStringSlice(undefined), '[]string(nil)');
  assert.equal(goTime('2024-01-02T03:04:05Z'), '2024-01-02 03:04:05 +0000 UTC');
  assert.equal(goTime(undefined), 'null');
});

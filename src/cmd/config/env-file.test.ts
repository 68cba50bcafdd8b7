import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseEnvFile } from './env-file.js';

test('reads quoted, single-quoted and bare values with their line numbers, skipping comments', () => {
  const text = '# k8ts\n\nPORT="6443"\nSTORE=\'sqlite:/var/lib/k8ts/db\'\nBIND_ADDRESS=0.0.0.0   # all\nQ="a \\"b\\" \\\\ c" # note\n';
  assert.deepEqual(parseEnvFile(text, '/etc/k8ts/apiserver'), [
    { key: 'PORT', value: '6443', line: 3 },
    { key: 'STORE', value: 'sqlite:/var/lib/k8ts/db', line: 4 },
    { key: 'BIND_ADDRESS', value: '0.0.0.0', line: 5 },
    { key: 'Q', value: 'a "b" \\ c', line: 6 },
  ]);
});

test('a line that is not KEY=value names the file and line', () => {
  assert.throws(() => parseEnvFile('PORT=1\n--port 6443\n', '/etc/k8ts/apiserver'),
    (e: unknown) => e instanceof ConfigError && e.message === '/etc/k8ts/apiserver:2: expected KEY="value", got "--port 6443"');
});

test('a key set twice and an unclosed quote are errors naming file, line and key', () => {
  assert.throws(() => parseEnvFile('PORT=1\nPORT=2\n', 'f'), { message: 'f:2: PORT: set twice (first on line 1)' });
  assert.throws(() => parseEnvFile('\nSTORE="sqlite:/x\n', 'f'), { message: 'f:2: STORE: missing closing quote' });
  assert.throws(() => parseEnvFile('STORE="a" b\n', 'f'), { message: 'f:1: STORE: unexpected text after the closing quote: "b"' });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv, parseTokenFile, tokenFileAuthenticator } from './token-file.js';

test('token file rows map tokens to user, uid and quoted group lists', () => {
  const t = parseTokenFile('abc123,alice,u-1,"admins,devs"\nxyz789,bob,u-2\n');
  assert.deepEqual(t.get('abc123'), { username: 'alice', uid: 'u-1', groups: ['admins', 'devs'] });
  assert.deepEqual(t.get('xyz789'), { username: 'bob', uid: 'u-2', groups: [] });
  const a = tokenFileAuthenticator(t);
  assert.equal((a.authenticateToken('abc123') as { username: string }).username, 'alice');
  assert.equal(a.authenticateToken('nope'), null);
});

test('a row with fewer than 3 columns is an error naming the file', () => {
  assert.throws(() => parseTokenFile('tok,alice\n', '/etc/tokens.csv'),
    { message: "token file '/etc/tokens.csv' must have at least 3 columns (token, user name, user uid), found 2" });
});

test('empty tokens are skipped, blank lines ignored, and a later duplicate wins', () => {
  const t = parseTokenFile(',ghost,u0\n\nt1,first,u1\r\nt1,second,u2\n');
  assert.equal(t.size, 1);
  assert.equal(t.get('t1')?.username, 'second');
});

test('CSV quoting: doubled quotes and commas inside quotes', () => {
  assert.deepEqual(parseCsv('a,"b,c","say ""hi"""\n'), [['a', 'b,c', 'say "hi"']]);
  assert.throws(() => parseCsv('a,"open\n'), /quoted-field/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../../machinery/errors.js';
import type { Authenticator } from '../auth/types.js';
import { unionAuthenticator } from './union.js';
import { bearerToken, bearerTokenAuthenticator } from './bearer.js';
import { tokenFileAuthenticator } from './token-file.js';

const req = (authorization?: string) => ({ headers: authorization ? { authorization } : {}, socket: {} }) as unknown as IncomingMessage;
const tokens = bearerTokenAuthenticator([tokenFileAuthenticator(new Map([['t-alice', { username: 'alice', groups: ['devs'] }]]))]);
// Stands for the service account authenticator: knows "jwt-*" tokens, ignores others (null).
const jwt: Authenticator = { authenticate: (r) => (bearerToken(r)?.startsWith('jwt-') ? { username: 'system:serviceaccount:default:sa', groups: [] } : null) };
const badCert: Authenticator = { authenticate: () => { throw new ApiError(401, 'Unauthorized', 'Unauthorized'); } };

test('bearer tokens: the scheme is case-insensitive; other schemes and empty tokens are not bearer tokens', () => {
  assert.equal(bearerToken(req('Bearer abc')), 'abc');
  assert.equal(bearerToken(req('bearer   abc ')), 'abc');
  assert.equal(bearerToken(req('Basic YTpi')), null);
  assert.equal(bearerToken(req('Bearer ')), null);
});

test('a known static token proves its user; no credentials is anonymous (null)', async () => {
  const u = unionAuthenticator(tokens, jwt);
  assert.equal((await u.authenticate(req('Bearer t-alice')))?.username, 'alice');
  assert.equal(await u.authenticate(req()), null);
});

test('a token no authenticator knows is 401, not anonymous', async () => {
  await assert.rejects(Promise.resolve(unionAuthenticator(tokens, jwt).authenticate(req('Bearer nobody'))), (e: ApiError) => e.code === 401);
});

test('one authenticator\'s success wins over another\'s refusal, in any order', async () => {
  // The bearer authenticator refuses the service account's token; the service account one proves it.
  for (const u of [unionAuthenticator(tokens, jwt), unionAuthenticator(jwt, tokens)]) {
    assert.equal((await u.authenticate(req('Bearer jwt-1')))?.username, 'system:serviceaccount:default:sa');
  }
  assert.equal((await unionAuthenticator(badCert, tokens).authenticate(req('Bearer t-alice')))?.username, 'alice');
  await assert.rejects(Promise.resolve(unionAuthenticator(badCert, tokens).authenticate(req())), (e: ApiError) => e.code === 401);
});

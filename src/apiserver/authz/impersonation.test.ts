import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { impersonatingAuthenticator } from './impersonation.js';
import type { Authorizer, RequestAttributes } from '../auth/types.js';

const asked: RequestAttributes[] = [];
// May impersonate ServiceAccounts in "ci" and the group "devs"; nothing else.
const authorizer: Authorizer = {
  authorize(a) {
    asked.push(a);
    const ok = a.verb === 'impersonate' && ((a.resource === 'serviceaccounts' && a.namespace === 'ci') || (a.resource === 'groups' && a.name === 'devs') || (a.resource === 'users' && a.name === 'bob'));
    return { allowed: ok };
  },
};
const inner = { authenticate: () => ({ username: 'alice', groups: ['team'] }) };
const authn = impersonatingAuthenticator(inner, () => authorizer);
const req = (headers: Record<string, string | string[]>) => ({ headers }) as unknown as IncomingMessage;

test('without impersonation headers the authenticated user passes through', async () => {
  assert.deepEqual(await authn.authenticate(req({})), { username: 'alice', groups: ['team'] });
});

test('an impersonated ServiceAccount gets its groups; an impersonated user only the groups asked for', async () => {
  assert.deepEqual(await authn.authenticate(req({ 'impersonate-user': 'system:serviceaccount:ci:runner' })), {
    username: 'system:serviceaccount:ci:runner', groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
  });
  assert.deepEqual(await authn.authenticate(req({ 'impersonate-user': 'bob', 'impersonate-group': 'devs' })), { username: 'bob', groups: ['devs', 'system:authenticated'] });
  const last = asked.at(-1)!;
  assert.equal(last.user.username, 'alice', 'the impersonator is the one asked about');
});

test('each impersonated identity needs the impersonate verb on it', async () => {
  await assert.rejects(async () => authn.authenticate(req({ 'impersonate-user': 'root' })), (e: Error & { code?: number }) => {
    assert.equal(e.code, 403);
    assert.equal(e.message, 'users "root" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope');
    return true;
  });
  await assert.rejects(async () => authn.authenticate(req({ 'impersonate-user': 'bob', 'impersonate-group': 'system:masters' })), /cannot impersonate resource "groups"/);
  await assert.rejects(async () => authn.authenticate(req({ 'impersonate-user': 'system:serviceaccount:prod:deployer' })), /cannot impersonate resource "serviceaccounts" in API group "" in the namespace "prod"/);
  await assert.rejects(async () => authn.authenticate(req({ 'impersonate-group': 'devs' })), /without a user/);
});

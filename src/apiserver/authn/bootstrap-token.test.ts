import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/resource.js';
import { FakeClock } from '../../machinery/clock.js';
import { bootstrapTokenAuthenticator } from './bootstrap-token.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
function secret(id: string, data: Record<string, string>, extra: Partial<KubeObject> & { type?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'bootstrap.kubernetes.io/token',
    metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])), ...extra,
  } as KubeObject;
}
const good = { 'token-id': 'abcdef', 'token-secret': '0123456789abcdef', 'usage-bootstrap-authentication': 'true' };

function auth(secrets: KubeObject[], clock = new FakeClock(Date.parse('2030-01-01T00:00:00Z'))) {
  const byName = new Map(secrets.map((s) => [s.metadata.name!, s]));
  return bootstrapTokenAuthenticator({ secrets: (n) => byName.get(n), clock });
}

test('a valid bootstrap token is system:bootstrap:<id> in system:bootstrappers plus its extra groups', () => {
  const a = auth([secret('abcdef', { ...good, 'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token, system:bootstrappers:x' })]);
  assert.deepEqual(a.authenticateToken('abcdef.0123456789abcdef'), {
    username: 'system:bootstrap:abcdef',
    groups: ['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token', 'system:bootstrappers:x'],
  });
});

test('a token past its expiration is refused; before it, accepted', () => {
  const clock = new FakeClock(Date.parse('2030-01-01T00:00:00Z'));
  const a = auth([secret('abcdef', { ...good, expiration: '2030-01-01T01:00:00Z' })], clock);
  assert.ok(a.authenticateToken('abcdef.0123456789abcdef'));
  clock.advance(3600_000 + 1000);
  assert.equal(a.authenticateToken('abcdef.0123456789abcdef'), null);
});

test('an unreadable expiration counts as expired', () => {
  assert.equal(auth([secret('abcdef', { ...good, expiration: 'tomorrow' })]).authenticateToken('abcdef.0123456789abcdef'), null);
});

test('wrong secret, wrong type, no usage, deletion pending, bad extra group, unknown id: all refused', () => {
  const t = 'abcdef.0123456789abcdef';
  assert.equal(auth([secret('abcdef', { ...good, 'token-secret': 'ffffffffffffffff' })]).authenticateToken(t), null);
  assert.equal(auth([secret('abcdef', good, { type: 'Opaque' })]).authenticateToken(t), null);
  assert.equal(auth([secret('abcdef', { ...good, 'usage-bootstrap-authentication': 'false' })]).authenticateToken(t), null);
  assert.equal(auth([secret('abcdef', good, { metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system', deletionTimestamp: '2030-01-01T00:00:00Z' } })]).authenticateToken(t), null);
  assert.equal(auth([secret('abcdef', { ...good, 'auth-extra-groups': 'system:masters' })]).authenticateToken(t), null);
  assert.equal(auth([secret('abcdef', { ...good, 'token-id': 'zzzzzz' })]).authenticateToken(t), null);
  assert.equal(auth([]).authenticateToken(t), null);
});

test('tokens not of the form [a-z0-9]{6}.[a-z0-9]{16} are not bootstrap tokens', () => {
  const a = auth([secret('abcdef', good)]);
  for (const t of ['ABCDEF.0123456789abcdef', 'abcdef.0123456789abcde', 'abcdef0123456789abcdef', 'eyJhbGciOi.x.y']) assert.equal(a.authenticateToken(t), null, t);
});

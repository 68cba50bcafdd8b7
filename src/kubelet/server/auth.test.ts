import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { checkAccess, kubeletRequestAttributes, kubeletSubresource, kubeletVerb, type KubeletAuth } from './auth.js';

const alice = { username: 'alice', groups: ['system:authenticated'] };

test('maps HTTP methods to the kubelet\'s authorization verbs', () => {
  assert.deepEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].map(kubeletVerb), ['get', 'get', 'create', 'update', 'patch', 'delete']);
});

test('maps kubelet paths to node subresources, proxy for everything else', () => {
  const cases: [string, string][] = [
    ['/stats/summary', 'stats'], ['/stats', 'stats'], ['/metrics', 'metrics'], ['/metrics/cadvisor', 'metrics'],
    ['/logs/syslog', 'log'], ['/spec/', 'spec'], ['/checkpoint/ns/p/c', 'checkpoint'],
    ['/exec/ns/p/c', 'proxy'], ['/attach/ns/p/c', 'proxy'], ['/portForward/ns/p', 'proxy'], ['/run/ns/p/c', 'proxy'],
    ['/containerLogs/ns/p/c', 'proxy'], ['/pods', 'proxy'], ['/healthz', 'proxy'], ['/statsfoo', 'proxy'],
  ];
  for (const [path, sub] of cases) assert.equal(kubeletSubresource(path), sub, path);
});

test('authorizes requests as actions on this node object', () => {
  assert.deepEqual(kubeletRequestAttributes(alice, 'POST', '/exec/ns/p/c', 'node-1'), {
    user: alice, verb: 'create', resourceRequest: true, path: '/exec/ns/p/c',
    apiGroup: '', apiVersion: 'v1', resource: 'nodes', subresource: 'proxy', namespace: '', name: 'node-1',
  });
});

const req = (method: string, url: string) => ({ method, url, headers: {} }) as IncomingMessage;
const testAuth = (user: typeof alice | null, allowed: boolean | 'throw'): KubeletAuth => ({
  authenticate: async () => user,
  authorize: async () => { if (allowed === 'throw') throw new Error('webhook down'); return { allowed }; },
});

test('refuses without credentials (401), when denied (403, the kubelet\'s text) and on authorizer errors (500)', async () => {
  assert.deepEqual(await checkAccess(testAuth(null, true), req('GET', '/pods'), 'n1'), { ok: false, code: 401, message: 'Unauthorized' });
  const failing: KubeletAuth = { authenticate: async () => { throw new Error('bad cert'); }, authorize: async () => ({ allowed: true }) };
  assert.deepEqual(await checkAccess(failing, req('GET', '/pods'), 'n1'), { ok: false, code: 401, message: 'Unauthorized' });
  assert.deepEqual(await checkAccess(testAuth(alice, false), req('GET', '/stats/summary?x=1'), 'n1'),
    { ok: false, code: 403, message: 'Forbidden (user=alice, verb=get, resource=nodes, subresource=stats)' });
  assert.deepEqual(await checkAccess(testAuth(alice, 'throw'), req('POST', '/exec/a/b/c'), 'n1'),
    { ok: false, code: 500, message: 'Authorization error (user=alice, verb=create, resource=nodes, subresource=proxy)' });
  assert.deepEqual(await checkAccess(testAuth(alice, true), req('GET', '/pods'), 'n1'), { ok: true, user: alice });
});

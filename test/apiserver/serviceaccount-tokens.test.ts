// Service account tokens through a real API server (SQLite store, HTTP on loopback): TokenRequest
// on serviceaccounts/token, the token authenticating requests, TokenReview and SelfSubjectReview,
// revocation by deleting the ServiceAccount or the bound pod, and the ServiceAccount admission
// plugin adding the kube-api-access volume.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Harness } from './harness.js';
import { DEFAULT_ISSUER } from '../../src/apiserver/serviceaccount/index.js';
import { startTokenServer, ADMIN_TOKEN } from './serviceaccount-server.js';

let h: Harness;
before(async () => { ({ h } = await startTokenServer()); });
after(async () => { await h?.stop(); });

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const NS = '/api/v1/namespaces/default';

async function createSA(name: string, extra: Record<string, unknown> = {}) {
  const r = await h.req('POST', `${NS}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name }, ...extra }, admin);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function requestToken(sa: string, spec: Record<string, unknown> = {}) {
  return h.req('POST', `${NS}/serviceaccounts/${sa}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec }, admin);
}

function pod(name: string, spec: Record<string, unknown> = {}) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }], initContainers: [{ name: 'init', image: 'busybox' }], ...spec } };
}

async function review(token: string, audiences?: string[]) {
  const r = await h.req('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } }, admin);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('TokenRequest issues a token that authenticates as the ServiceAccount', async () => {
  const sa = await createSA('robot');
  const r = await requestToken('robot');
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.kind, 'TokenRequest');
  assert.equal(r.json.apiVersion, 'authentication.k8s.io/v1');
  assert.equal(r.json.spec.expirationSeconds, 3600);
  assert.deepEqual(r.json.spec.audiences, [DEFAULT_ISSUER, 'k8ts']);
  const exp = Date.parse(r.json.status.expirationTimestamp);
  assert.ok(Math.abs(exp - Date.now() - 3600_000) < 5000, r.json.status.expirationTimestamp);
  const token = r.json.status.token as string;
  const who = await h.req('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }, bearer(token));
  assert.equal(who.status, 201, who.text);
  assert.equal(who.json.status.userInfo.username, 'system:serviceaccount:default:robot');
  assert.equal(who.json.status.userInfo.uid, sa.metadata.uid);
  assert.deepEqual(who.json.status.userInfo.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
  const list = await h.req('GET', `${NS}/pods`, undefined, bearer(token));
  assert.equal(list.status, 200, list.text);
  const bad = await h.req('GET', `${NS}/pods`, undefined, bearer(`${token.slice(0, -4)}AAAA`));
  assert.equal(bad.status, 401);
});

test('TokenRequest refuses a duration under 10 minutes and an unknown ServiceAccount, as Kubernetes does', async () => {
  const short = await requestToken('robot', { expirationSeconds: 300 });
  assert.equal(short.status, 422, short.text);
  assert.equal(short.json.message, 'TokenRequest.authentication.k8s.io "robot" is invalid: spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes');
  const missing = await requestToken('nobody');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.message, 'serviceaccounts "nobody" not found');
  const get = await h.req('GET', `${NS}/serviceaccounts/robot/token`, undefined, admin);
  assert.equal(get.status, 405);
});

test('TokenReview reports user, audiences and errors; a token for another audience is good only for it', async () => {
  const t = (await requestToken('robot', { audiences: ['vault'], expirationSeconds: 600 })).json.status.token as string;
  const forApi = await review(t);
  assert.equal(forApi.status.authenticated, false);
  assert.match(forApi.status.error, /token audiences \["vault"\] is invalid for the target audiences/);
  assert.equal((await h.req('GET', `${NS}/pods`, undefined, bearer(t))).status, 401, 'not accepted by the API server');
  const forVault = await review(t, ['vault']);
  assert.equal(forVault.status.authenticated, true);
  assert.deepEqual(forVault.status.audiences, ['vault']);
  assert.equal(forVault.status.user.username, 'system:serviceaccount:default:robot');
  const staticToken = await review(ADMIN_TOKEN);
  assert.equal(staticToken.status.authenticated, true, 'other authenticators of the server answer too');
  assert.equal(staticToken.status.user.username, 'test-admin');
  const garbage = await review('not-a-token');
  assert.equal(garbage.status.authenticated, false);
  const empty = await h.req('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: {} }, admin);
  assert.equal(empty.status, 400);
});

test('a pod-bound token carries the pod, and dies with the pod', async () => {
  const created = await h.req('POST', `${NS}/pods`, pod('bound', { serviceAccountName: 'robot' }), admin);
  assert.equal(created.status, 201, created.text);
  const r = await requestToken('robot', { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'bound' } });
  assert.equal(r.status, 201, r.text);
  const t = r.json.status.token as string;
  const ok = await review(t);
  assert.equal(ok.status.authenticated, true, JSON.stringify(ok.status));
  assert.deepEqual(ok.status.user.extra['authentication.kubernetes.io/pod-name'], ['bound']);
  assert.deepEqual(ok.status.user.extra['authentication.kubernetes.io/pod-uid'], [created.json.metadata.uid]);
  const wrongUid = await requestToken('robot', { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'bound', uid: 'other' } });
  assert.equal(wrongUid.status, 409, wrongUid.text);
  await createSA('other');
  const wrongSA = await requestToken('other', { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'bound' } });
  assert.equal(wrongSA.status, 400, wrongSA.text);
  const del = await h.req('DELETE', `${NS}/pods/bound?gracePeriodSeconds=0`, undefined, admin);
  assert.equal(del.status, 200, del.text);
  const gone = await review(t);
  assert.equal(gone.status.authenticated, false);
  assert.match(gone.status.error, /service account token has been invalidated/);
  assert.equal((await h.req('GET', `${NS}/pods`, undefined, bearer(t))).status, 401);
});

test('deleting the ServiceAccount revokes its tokens (401)', async () => {
  await createSA('shortlived');
  const t = (await requestToken('shortlived')).json.status.token as string;
  assert.equal((await h.req('GET', `${NS}/pods`, undefined, bearer(t))).status, 200);
  assert.equal((await h.req('DELETE', `${NS}/serviceaccounts/shortlived`, undefined, admin)).status, 200);
  const r = await h.req('GET', `${NS}/pods`, undefined, bearer(t));
  assert.equal(r.status, 401);
  assert.equal(r.json.reason, 'Unauthorized');
});

test('admission gives a pod its ServiceAccount token volume, mounted read-only in every container', async () => {
  const r = await h.req('POST', `${NS}/pods`, pod('mounted', { serviceAccountName: 'robot' }), admin);
  assert.equal(r.status, 201, r.text);
  const spec = r.json.spec;
  const vol = spec.volumes.find((v: { name: string }) => v.name.startsWith('kube-api-access-'));
  assert.match(vol.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(vol.projected, {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  });
  for (const c of [...spec.containers, ...spec.initContainers]) {
    assert.deepEqual(c.volumeMounts, [{ name: vol.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }], c.name);
  }
  assert.equal(spec.serviceAccountName, 'robot');
});

test('admission: no ServiceAccount named means "default", which must exist; opting out means no volume', async () => {
  const noDefault = await h.req('POST', `${NS}/pods`, pod('nodefault'), admin);
  assert.equal(noDefault.status, 403, noDefault.text);
  assert.equal(noDefault.json.message, 'pods "nodefault" is forbidden: error looking up service account default/default: serviceaccount "default" not found');
  const missing = await h.req('POST', `${NS}/pods`, pod('missing', { serviceAccountName: 'ghost' }), admin);
  assert.equal(missing.status, 403);
  assert.equal(missing.json.message, 'pods "missing" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found');
  await createSA('default');
  const dflt = await h.req('POST', `${NS}/pods`, pod('defaulted'), admin);
  assert.equal(dflt.status, 201, dflt.text);
  assert.equal(dflt.json.spec.serviceAccountName, 'default');
  assert.ok(dflt.json.spec.volumes.some((v: { name: string }) => v.name.startsWith('kube-api-access-')));
  const podOptOut = await h.req('POST', `${NS}/pods`, pod('optout', { automountServiceAccountToken: false }), admin);
  assert.equal(podOptOut.status, 201, podOptOut.text);
  assert.equal(podOptOut.json.spec.volumes, undefined);
  await createSA('quiet', { automountServiceAccountToken: false });
  const saOptOut = await h.req('POST', `${NS}/pods`, pod('quiet', { serviceAccountName: 'quiet' }), admin);
  assert.equal(saOptOut.status, 201, saOptOut.text);
  assert.equal(saOptOut.json.spec.volumes, undefined);
  assert.equal(saOptOut.json.spec.containers[0].volumeMounts, undefined);
});

test('discovery lists serviceaccounts/token (TokenRequest) and the authentication.k8s.io reviews', async () => {
  const core = await h.req('GET', '/api/v1', undefined, admin);
  const token = core.json.resources.find((r: { name: string }) => r.name === 'serviceaccounts/token');
  assert.deepEqual({ ...token, singularName: undefined }, { name: 'serviceaccounts/token', singularName: undefined, namespaced: true, group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] });
  const authn = await h.req('GET', '/apis/authentication.k8s.io/v1', undefined, admin);
  assert.deepEqual(authn.json.resources.map((r: { name: string; verbs: string[] }) => [r.name, r.verbs]).sort(), [['selfsubjectreviews', ['create']], ['tokenreviews', ['create']]]);
});

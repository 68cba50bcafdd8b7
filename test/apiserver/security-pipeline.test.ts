// The API server's security seams: no credentials → 401, a refusal → Kubernetes' 403 text, admission
// can refuse a write (nothing stored), and every request reaches the audit sink with its user.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, pod, type Harness } from './harness.js';
import { ApiError } from '../../src/machinery/errors.js';
import type { AuditRecord, SecurityOptions } from '../../src/apiserver/auth/types.js';

const audit: AuditRecord[] = [];
// A test authenticator: "Bearer alice" and "Bearer bob" are users; anything else is a bad token.
const security: SecurityOptions = {
  authenticator: {
    authenticate(req) {
      const h = req.headers.authorization;
      if (!h) return null;
      const who = h.replace(/^Bearer /, '');
      if (who !== 'alice' && who !== 'bob') throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      return { username: who, groups: [] };
    },
  },
  authorizer: {
    authorize(a) {
      if (a.user.username === 'alice') return { allowed: true };
      if (a.user.username === 'bob' && a.verb === 'get' && a.resource === 'pods') return { allowed: true };
      return { allowed: false };
    },
  },
  admission: [{
    name: 'NoPodsNamedEvil',
    validate(a) {
      if (a.operation === 'CREATE' && a.resource.def.plural === 'pods' && a.name === 'evil') {
        throw new ApiError(403, 'Forbidden', `pods "evil" is forbidden: ${a.user.username} may not`);
      }
    },
  }],
  audit: { record: (r) => { audit.push(r); } },
};

let h: Harness;
before(async () => { h = await startHarness({ security }); });
after(async () => { await h?.stop(); });
const PODS = '/api/v1/namespaces/default/pods';

test('a request with no credentials is 401 Unauthorized, discovery included', async () => {
  for (const path of ['/api', PODS]) {
    const r = await h.req('GET', path);
    assert.equal(r.status, 401);
    assert.equal(r.json.reason, 'Unauthorized');
  }
});

test('a bad token is 401, not anonymous', async () => {
  const r = await h.req('GET', PODS, undefined, { authorization: 'Bearer mallory' });
  assert.equal(r.status, 401);
});

test('a refused request is 403 with Kubernetes\' message', async () => {
  const r = await h.req('GET', PODS, undefined, { authorization: 'Bearer bob' });
  assert.equal(r.status, 403);
  assert.equal(r.json.reason, 'Forbidden');
  assert.equal(r.json.message, 'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"');
  const c = await h.req('POST', PODS, pod('x'), { authorization: 'Bearer bob' });
  assert.equal(c.status, 403);
  const p = await h.req('GET', '/version', undefined, { authorization: 'Bearer bob' });
  assert.equal(p.status, 403);
  assert.equal(p.json.message, 'forbidden: User "bob" cannot get path "/version"');
});

test('an allowed user reads and writes; admission refuses and nothing is stored', async () => {
  const ok = await h.req('POST', PODS, pod('fine'), { authorization: 'Bearer alice' });
  assert.equal(ok.status, 201, ok.text);
  const bad = await h.req('POST', PODS, pod('evil'), { authorization: 'Bearer alice' });
  assert.equal(bad.status, 403);
  assert.match(bad.json.message, /alice may not/);
  const gone = await h.req('GET', `${PODS}/evil`, undefined, { authorization: 'Bearer alice' });
  assert.equal(gone.status, 404);
  const got = await h.req('GET', `${PODS}/fine`, undefined, { authorization: 'Bearer bob' });
  assert.equal(got.status, 200);
});

test('every request reaches the audit sink with its user, verb and code', async () => {
  const r = await h.req('GET', `${PODS}/fine`, undefined, { authorization: 'Bearer bob' });
  assert.ok(r.headers['audit-id']);
  await new Promise((res) => setTimeout(res, 20));
  const rec = audit.find((a) => a.auditID === r.headers['audit-id']);
  assert.ok(rec, 'audited');
  assert.equal(rec.user?.username, 'bob');
  assert.equal(rec.attrs?.verb, 'get');
  assert.equal(rec.attrs?.name, 'fine');
  assert.equal(rec.code, 200);
  assert.ok(audit.some((a) => a.code === 401 && a.user === null));
});

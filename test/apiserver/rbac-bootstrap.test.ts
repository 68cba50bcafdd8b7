// The bootstrap policy across restarts: missing objects are created, removed rules and subjects
// come back, what an admin added stays, and autoupdate "false" opts an object out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness.js';
import { allResources } from '../../src/api/registry.js';
import { createApiServer } from '../../src/apiserver/server.js';
import { bootstrapClusterRoles, bootstrapClusterRoleBindings } from '../../src/apiserver/authz/index.js';

let h: Harness;
before(async () => { h = await startHarness({ resources: allResources() }); });
after(async () => { await h?.stop(); });
const CR = '/apis/rbac.authorization.k8s.io/v1/clusterroles';
const CRB = '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings';

async function restart(): Promise<void> {
  const s = createApiServer({ store: h.store, resources: allResources(), log: () => undefined });
  try { await s.ready; } finally { await s.close(); }
}

test('every bootstrap role and binding exists, labelled and marked autoupdate', async () => {
  const roles = (await h.req('GET', `${CR}?labelSelector=kubernetes.io/bootstrapping=rbac-defaults`)).json.items.map((r: any) => r.metadata.name);
  for (const r of bootstrapClusterRoles()) assert.ok(roles.includes(r.metadata.name), r.metadata.name);
  const bindings = (await h.req('GET', CRB)).json.items.map((r: any) => r.metadata.name);
  for (const b of bootstrapClusterRoleBindings()) assert.ok(bindings.includes(b.metadata.name), b.metadata.name);
  const piv = (await h.req('GET', `${CRB}/system:public-info-viewer`)).json;
  assert.deepEqual(piv.subjects.map((s: any) => s.name), ['system:authenticated', 'system:unauthenticated']);
});

test('a restart restores what was removed and keeps what was added; autoupdate "false" is left alone', async () => {
  const d = (await h.req('GET', `${CR}/system:discovery`)).json;
  d.rules = [{ verbs: ['get'], nonResourceURLs: ['/api'] }, { verbs: ['get'], nonResourceURLs: ['/custom'] }];
  assert.equal((await h.req('PUT', `${CR}/system:discovery`, d)).status, 200);
  const b = (await h.req('GET', `${CRB}/system:basic-user`)).json;
  b.subjects = [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'extra' }];
  assert.equal((await h.req('PUT', `${CRB}/system:basic-user`, b)).status, 200);
  const m = (await h.req('GET', `${CR}/system:monitoring`)).json;
  m.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate'] = 'false';
  m.rules = [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }];
  assert.equal((await h.req('PUT', `${CR}/system:monitoring`, m)).status, 200);
  assert.equal((await h.req('DELETE', `${CR}/system:kube-dns`)).status, 200);

  await restart();
  const d2 = (await h.req('GET', `${CR}/system:discovery`)).json;
  const urls = d2.rules.flatMap((r: any) => r.nonResourceURLs);
  for (const u of ['/api', '/custom', '/version', '/healthz', '/apis/*']) assert.ok(urls.includes(u), u);
  const b2 = (await h.req('GET', `${CRB}/system:basic-user`)).json;
  assert.deepEqual(b2.subjects.map((s: any) => s.name), ['extra', 'system:authenticated']);
  assert.deepEqual((await h.req('GET', `${CR}/system:monitoring`)).json.rules, [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }]);
  assert.equal((await h.req('GET', `${CR}/system:kube-dns`)).status, 200);
  // Idempotent: another restart changes nothing.
  const rv = (await h.req('GET', `${CR}/system:discovery`)).json.metadata.resourceVersion;
  await restart();
  assert.equal((await h.req('GET', `${CR}/system:discovery`)).json.metadata.resourceVersion, rv);
});

// The ClusterRole aggregation controller against a real API server: an aggregated role follows
// the rules of the roles its selector matches as they are added, changed and unlabelled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, eventually, type Harness } from './harness.js';
import { CLUSTERROLES } from '../../src/controllers/clusterroleaggregation/index.js';
import type { KubeObject } from '../../src/api/resource.js';

let h: Harness;
before(async () => { h = await startHarness(['clusterrole-aggregation']); });
after(async () => { await h?.close(); });

const LABEL = 'rbac.example.com/aggregate-to-monitoring';
const role = (name: string, labels: Record<string, string>, rules: unknown[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, rules });
const rulesOf = async (name: string) => ((await h.client.get<KubeObject>(CLUSTERROLES, name)).rules ?? []) as unknown[];

test('an aggregated ClusterRole holds the union of the matching roles\' rules', async () => {
  await h.client.create(CLUSTERROLES, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'monitoring' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [LABEL]: 'true' } }] } });
  const pods = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
  const nodes = { verbs: ['get'], apiGroups: [''], resources: ['nodes'] };
  await h.client.create(CLUSTERROLES, role('monitoring-b', { [LABEL]: 'true' }, [nodes, pods]));
  await h.client.create(CLUSTERROLES, role('monitoring-a', { [LABEL]: 'true' }, [pods]));
  await h.client.create(CLUSTERROLES, role('unrelated', {}, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]));
  await eventually(async () => JSON.stringify(await rulesOf('monitoring')) === JSON.stringify([pods, nodes]), 'rules aggregated in name order without duplicates');
  // Unlabelling a role takes its rules away.
  const b = await h.client.get<KubeObject>(CLUSTERROLES, 'monitoring-b');
  await h.client.update(CLUSTERROLES, { ...b, metadata: { ...b.metadata, labels: {} } });
  await eventually(async () => JSON.stringify(await rulesOf('monitoring')) === JSON.stringify([pods]), 'rules follow the selector');
  // Rules written by hand into an aggregated role are replaced.
  const m = await h.client.get<KubeObject>(CLUSTERROLES, 'monitoring');
  await h.client.update(CLUSTERROLES, { ...m, rules: [nodes] });
  await eventually(async () => JSON.stringify(await rulesOf('monitoring')) === JSON.stringify([pods]), 'controller restores the aggregate');
});

test('the bootstrap admin, edit and view roles stay aggregated', async () => {
  const view = await rulesOf('view');
  assert.ok(view.length > 0);
  await h.client.create(CLUSTERROLES, role('crd-viewer', { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' }, [{ verbs: ['get'], apiGroups: ['example.com'], resources: ['widgets'] }]));
  for (const r of ['view', 'edit', 'admin']) {
    await eventually(async () => (await rulesOf(r)).some((x) => JSON.stringify(x).includes('widgets')), `${r} gains the widgets rule`);
  }
});

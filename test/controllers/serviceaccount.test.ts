import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { NAMESPACES, SERVICEACCOUNTS } from '../../src/controllers/base/resources.js';
import { startHarness, createNamespace, eventually, type Harness } from './harness.js';

let h: Harness;
before(async () => { h = await startHarness(['serviceaccount']); });
after(async () => { await h?.close(); });

const saNames = async (ns: string) => (await h.client.list(SERVICEACCOUNTS, { namespace: ns })).items.map((s) => s.metadata.name);

test('every namespace, existing or new, gets a default ServiceAccount, which comes back when deleted', async () => {
  await eventually(async () => (await saNames('kube-system')).includes('default'), 'system namespace has default');
  await createNamespace(h.client, 'sa-new');
  await eventually(async () => (await saNames('sa-new')).includes('default'), 'new namespace has default');
  await h.client.delete(SERVICEACCOUNTS, 'default', { namespace: 'sa-new' });
  await eventually(async () => (await saNames('sa-new')).includes('default'), 're-created after deletion');
  assert.deepEqual(await saNames('sa-new'), ['default']);
});

test('a terminating namespace gets no new ServiceAccount', async () => {
  await createNamespace(h.client, 'sa-going');
  await eventually(async () => (await saNames('sa-going')).includes('default'), 'default made');
  await h.client.delete(NAMESPACES, 'sa-going'); // no namespace controller here: it stays Terminating
  await h.client.delete(SERVICEACCOUNTS, 'default', { namespace: 'sa-going' });
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(await saNames('sa-going'), []);
});

// The root CA publisher against a real API server: every namespace, existing or new, gets the
// kube-root-ca.crt ConfigMap with the CA; edits and deletions are put back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resourceRef } from '../../src/client/rest.js';
import type { KubeObject } from '../../src/api/resource.js';
import { DESCRIPTION, DESCRIPTION_ANNOTATION, ROOT_CA_CONFIGMAP } from '../../src/controllers/rootcacertpublisher/index.js';
import { startHarness, createNamespace, eventually, type Harness } from './harness.js';

const CONFIGMAPS = resourceRef('', 'v1', 'configmaps');
const CA = '-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n';

let h: Harness;
before(async () => { h = await startHarness(['root-ca-cert-publisher'], { options: { rootCACert: CA } }); });
after(async () => { await h?.close(); });

type CM = KubeObject & { data?: Record<string, string> };
const get = async (ns: string): Promise<CM | null> => {
  try { return await h.client.get<CM>(CONFIGMAPS, ROOT_CA_CONFIGMAP, { namespace: ns }); } catch { return null; }
};

test('every namespace, existing or new, gets kube-root-ca.crt holding the CA', async () => {
  await eventually(async () => (await get('kube-system'))?.data?.['ca.crt'] === CA, 'system namespace has the CA');
  await createNamespace(h.client, 'ca-new');
  await eventually(async () => (await get('ca-new'))?.data?.['ca.crt'] === CA, 'new namespace has the CA');
  const cm = (await get('ca-new'))!;
  assert.deepEqual(cm.data, { 'ca.crt': CA });
  assert.equal(cm.metadata.annotations?.[DESCRIPTION_ANNOTATION], DESCRIPTION);
});

test('an edited or deleted kube-root-ca.crt is put back', async () => {
  await createNamespace(h.client, 'ca-edit');
  await eventually(async () => !!(await get('ca-edit')), 'published');
  const cm = (await get('ca-edit'))!;
  await h.client.update(CONFIGMAPS, { ...cm, data: { 'ca.crt': 'forged', extra: 'x' } }, { namespace: 'ca-edit' });
  await eventually(async () => JSON.stringify((await get('ca-edit'))?.data) === JSON.stringify({ 'ca.crt': CA }), 'edit undone');
  await h.client.delete(CONFIGMAPS, ROOT_CA_CONFIGMAP, { namespace: 'ca-edit' });
  await eventually(async () => (await get('ca-edit'))?.data?.['ca.crt'] === CA, 're-created after deletion');
});

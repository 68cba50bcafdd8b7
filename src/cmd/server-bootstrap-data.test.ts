import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../storage/sqlite/index.js';
import type { Store } from '../storage/types.js';
import { BOOTSTRAP_KEY, loadOrCreateServerToken, publishClusterSecrets, restoreClusterSecrets, seal, unseal } from './server-bootstrap-data.js';

async function withStore(fn: (store: Store, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bootdata-'));
  const store = openSqliteStore({ path: join(dir, 'db.sqlite'), compactionIntervalMs: 0 });
  try { await fn(store, dir); } finally { await store.close(); rmSync(dir, { recursive: true, force: true }); }
}

function pki(dir: string, tag: string): string {
  const p = join(dir, tag);
  mkdirSync(p, { recursive: true });
  for (const f of ['ca.crt', 'ca.key', 'sa.key', 'sa.pub']) writeFileSync(join(p, f), `${f} of ${tag}\n`);
  return p;
}

test('sealed secrets open only with their token, and the stored form does not contain them', () => {
  const sealed = seal({ 'ca.key': 'SECRET KEY' }, 'tok-1');
  assert.equal(sealed.toString().includes('SECRET KEY'), false);
  assert.deepEqual(unseal(sealed, 'tok-1'), { 'ca.key': 'SECRET KEY' });
  assert.equal(unseal(sealed, 'tok-2'), null);
});

test('the first server publishes its CA and keys; a second one with the token gets the same files, keys private', () => withStore(async (store, dir) => {
  const first = pki(dir, 'first');
  assert.equal(await restoreClusterSecrets(store, first, 'tok'), false, 'nothing stored yet');
  await publishClusterSecrets(store, first, 'tok');
  const second = join(dir, 'second');
  assert.equal(await restoreClusterSecrets(store, second, 'tok'), true);
  for (const f of ['ca.crt', 'ca.key', 'sa.key', 'sa.pub']) assert.equal(readFileSync(join(second, f), 'utf8'), `${f} of first\n`);
  assert.equal(statSync(join(second, 'ca.key')).mode & 0o777, 0o600);
  // Publishing again (a restart of either) changes nothing.
  const before = (await store.get(BOOTSTRAP_KEY)).kv!.modRevision;
  await publishClusterSecrets(store, second, 'tok');
  assert.equal((await store.get(BOOTSTRAP_KEY)).kv!.modRevision, before);
}));

test('a wrong token, or a server that made its own CA, is refused and writes nothing', () => withStore(async (store, dir) => {
  await publishClusterSecrets(store, pki(dir, 'first'), 'tok');
  const stranger = join(dir, 'stranger');
  await assert.rejects(restoreClusterSecrets(store, stranger, 'other'), /this --server-token cannot decrypt them/);
  assert.throws(() => statSync(join(stranger, 'ca.key')));
  const own = pki(dir, 'own');
  await assert.rejects(restoreClusterSecrets(store, own, 'tok'), /is not the cluster's CA/);
  await assert.rejects(publishClusterSecrets(store, own, 'tok'), /another server bootstrapped the cluster/);
  await assert.rejects(publishClusterSecrets(store, own, 'other'), /cannot decrypt/);
}));

test('the server token is made once and kept; a given one is kept for restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-srvtok-'));
  try {
    const t = loadOrCreateServerToken(dir);
    assert.match(t, /^K8TS[0-9a-f]{48}$/);
    assert.equal(loadOrCreateServerToken(dir), t);
    const other = mkdtempSync(join(tmpdir(), 'k8ts-srvtok-'));
    try {
      assert.equal(loadOrCreateServerToken(other, 'K8TSgiven'), 'K8TSgiven');
      assert.equal(loadOrCreateServerToken(other), 'K8TSgiven');
    } finally { rmSync(other, { recursive: true, force: true }); }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

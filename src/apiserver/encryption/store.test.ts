import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../storage/sqlite/index.js';
import type { Store, WatchEvent } from '../../storage/types.js';
import { parseEncryptionConfig } from './config.js';
import { encryptingStore, isStaleRead } from './store.js';
import { reencryptAll } from './reencrypt.js';

const DEFS = [{ group: '', plural: 'secrets' }, { group: '', plural: 'configmaps' }];
const SECRET_KEY = '/registry/core/secrets/default/s1';
const CM_KEY = '/registry/core/configmaps/default/c1';
const PLAIN = Buffer.from('{"data":{"password":"hunter2-very-secret"}}');

function config(providers: string): ReturnType<typeof parseEncryptionConfig> {
  return parseEncryptionConfig(`apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
${providers}`);
}
const key = () => randomBytes(32).toString('base64');

interface Files {
  /** The SQLite store (opened on first use, reopened after raw()). */
  inner(): Store;
  /** The stored bytes of a key's latest row, read straight from the SQLite file (the store is closed first: it locks the file). */
  raw(k: string): Promise<Buffer>;
}

async function withStore(fn: (f: Files) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-encryption-'));
  const path = join(dir, 'store.db');
  let open = null as Store | null;
  try {
    await fn({
      inner: () => (open ??= openSqliteStore({ path, compactionIntervalMs: 0 })),
      async raw(k) {
        await open?.close();
        open = null;
        return rawValue(path, k);
      },
    });
  } finally {
    await open?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function rawValue(path: string, k: string): Buffer {
  const db = new Database(path, { readonly: true });
  try {
    const row = db.prepare('SELECT value FROM log WHERE key = ? ORDER BY id DESC LIMIT 1').get(k) as { value: Buffer };
    return row.value;
  } finally {
    db.close();
  }
}

const GCM1 = (k: string) => `      - aesgcm:\n          keys: [{ name: key1, secret: "${k}" }]`;

test('with aesgcm first, the database holds ciphertext under Kubernetes\' prefix and reads give the plaintext back', async () => {
  await withStore(async (f) => {
    const cfg = config(`${GCM1(key())}\n      - identity: {}`);
    const store = encryptingStore(f.inner(), cfg, DEFS);
    await store.create(SECRET_KEY, PLAIN);
    await store.create(CM_KEY, PLAIN);
    assert.ok((await store.get(SECRET_KEY)).kv!.value.equals(PLAIN));
    assert.ok((await store.list('/registry/core/secrets/')).kvs[0].value.equals(PLAIN));
    const raw = await f.raw(SECRET_KEY);
    assert.equal(raw.subarray(0, 23).toString('latin1'), 'k8s:enc:aesgcm:v1:key1:');
    assert.equal(raw.indexOf('hunter2'), -1, 'no plaintext in the file');
    assert.ok((await f.raw(CM_KEY)).equals(PLAIN), 'resources not configured are stored as they are');
  });
});

test('with identity first, the plaintext is in the file, and aesgcm data written before stays readable', async () => {
  await withStore(async (f) => {
    const k1 = key();
    await encryptingStore(f.inner(), config(GCM1(k1)), DEFS).create(SECRET_KEY, PLAIN);
    const plain = encryptingStore(f.inner(), config(`      - identity: {}\n${GCM1(k1)}`), DEFS);
    await plain.create('/registry/core/secrets/default/s2', PLAIN);
    const old = (await plain.get(SECRET_KEY)).kv!;
    assert.ok(old.value.equals(PLAIN));
    assert.equal(plain.isStale(old), true, 'encrypted data under identity-first is stale');
    assert.equal(isStaleRead(plain, old), true);
    assert.equal(isStaleRead(f.inner(), old), false, 'a store that does not encrypt never asks for a rewrite');
    assert.equal(isStaleRead(plain, (await plain.get('/registry/core/secrets/default/s2')).kv!), false, 'written with the write provider: current');
    assert.notEqual((await f.raw('/registry/core/secrets/default/s2')).indexOf('hunter2'), -1);
  });
});

test('aescbc round-trips, and an aesgcm value moved to another key does not decrypt', async () => {
  await withStore(async (f) => {
    const cbc = encryptingStore(f.inner(), config(`      - aescbc:\n          keys: [{ name: k, secret: "${key()}" }]`), DEFS);
    await cbc.create(SECRET_KEY, PLAIN);
    assert.ok((await cbc.get(SECRET_KEY)).kv!.value.equals(PLAIN));
    const gcmCfg = config(GCM1(key()));
    await encryptingStore(f.inner(), gcmCfg, DEFS).create('/registry/core/secrets/default/a', PLAIN);
    assert.equal((await f.raw(SECRET_KEY)).subarray(0, 20).toString('latin1'), 'k8s:enc:aescbc:v1:k:');
    const stolen = await f.raw('/registry/core/secrets/default/a');
    await f.inner().create('/registry/core/secrets/default/b', stolen);
    const gcm = encryptingStore(f.inner(), gcmCfg, DEFS);
    assert.ok((await gcm.get('/registry/core/secrets/default/a')).kv!.value.equals(PLAIN));
    await assert.rejects(gcm.get('/registry/core/secrets/default/b'), /failed to decrypt/);
  });
});

test('watch events carry plaintext', async () => {
  await withStore(async (f) => {
    const store = encryptingStore(f.inner(), config(GCM1(key())), DEFS);
    const rev = await store.currentRevision();
    const got: WatchEvent[] = [];
    const w = store.watch('/registry/core/secrets/', rev, { onEvents: (e) => { got.push(...e); }, onError: () => undefined });
    try {
      await store.create(SECRET_KEY, PLAIN);
      const deadline = Date.now() + 5000;
      while (!got.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.ok(got[0]?.kv.value.equals(PLAIN));
    } finally {
      w.cancel();
    }
  });
});

test('rotation: with a new key first, reencryptAll rewrites old values with it and the old key can go', async () => {
  await withStore(async (f) => {
    const k1 = key();
    const k2 = key();
    const before = encryptingStore(f.inner(), config(GCM1(k1)), DEFS);
    await before.create(SECRET_KEY, PLAIN);
    await before.create('/registry/core/secrets/other/s9', PLAIN);
    const rotatedCfg = config(`      - aesgcm:\n          keys: [{ name: key2, secret: "${k2}" }, { name: key1, secret: "${k1}" }]`);
    const rotated = encryptingStore(f.inner(), rotatedCfg, DEFS);
    assert.deepEqual(await reencryptAll(rotated), { rewritten: 2, current: 0 });
    assert.deepEqual(await reencryptAll(rotated), { rewritten: 0, current: 2 }, 'a second pass has nothing to do');
    assert.equal((await f.raw(SECRET_KEY)).subarray(0, 23).toString('latin1'), 'k8s:enc:aesgcm:v1:key2:');
    const onlyNew = encryptingStore(f.inner(), config(`      - aesgcm:\n          keys: [{ name: key2, secret: "${k2}" }]`), DEFS);
    assert.ok((await onlyNew.get(SECRET_KEY)).kv!.value.equals(PLAIN));
    assert.ok((await onlyNew.get('/registry/core/secrets/other/s9')).kv!.value.equals(PLAIN));
  });
});

// Several `k8ts server`s on one datastore must share the cluster CA and the service account
// signing key, or each would mint certificates and tokens the others reject. As k3s does, the
// first server puts them in the datastore encrypted with a server token (AES-256-GCM, key from
// scrypt), and a server joining with that token takes them from there instead of minting its own.
// A wrong token cannot decrypt them and is refused before anything is written.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isStoreError, type Store } from '../storage/types.js';

export const BOOTSTRAP_KEY = '/k8ts.io/bootstrap/cluster-secrets';
/** What the servers of one cluster must share (files in <data-dir>/server/tls). */
const SHARED_FILES = ['ca.crt', 'ca.key', 'sa.key', 'sa.pub'] as const;
const SECRET_MODE: Record<string, number> = { 'ca.key': 0o600, 'sa.key': 0o600 };

/** The server token: kept in <data-dir>/server/server-token (made once), or given with --server-token. */
export function loadOrCreateServerToken(dataDir: string, given?: string): string {
  const path = join(dataDir, 'server', 'server-token');
  mkdirSync(join(dataDir, 'server'), { recursive: true });
  if (given) {
    // Kept, so that a restart without the flag still opens the cluster's secrets.
    if (!existsSync(path)) writeFileSync(path, `${given}\n`, { mode: 0o600 });
    return given;
  }
  if (existsSync(path)) {
    const t = readFileSync(path, 'utf8').trim();
    if (t) return t;
  }
  const t = `K8TS${randomBytes(24).toString('hex')}`;
  writeFileSync(path, `${t}\n`, { mode: 0o600 });
  return t;
}

interface Sealed { v: 1; salt: string; iv: string; tag: string; data: string }

function keyFrom(token: string, salt: Buffer): Buffer {
  return scryptSync(token, salt, 32);
}

export function seal(files: Record<string, string>, token: string): Buffer {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(token, salt), iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(files)), cipher.final()]);
  const sealed: Sealed = { v: 1, salt: salt.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  return Buffer.from(JSON.stringify(sealed));
}

/** The files, or null when the token is not the one they were sealed with. */
export function unseal(value: Buffer, token: string): Record<string, string> | null {
  const s = JSON.parse(value.toString()) as Sealed;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(token, Buffer.from(s.salt, 'base64')), Buffer.from(s.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(s.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(s.data, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString()) as Record<string, string>;
  } catch {
    return null;
  }
}

const wrongToken = () => new Error('the datastore holds another server\'s cluster CA and keys, and this --server-token cannot decrypt them: ' +
  'start this server with the --server-token the first server printed (in its <data-dir>/server/server-token)');

/**
 * Before the server's certificates are made: when the datastore already holds the cluster's
 * secrets, writes them into pkiDir (a server that had its own CA there is refused: two CAs would
 * split the cluster). Returns whether they came from the datastore.
 */
export async function restoreClusterSecrets(store: Store, pkiDir: string, token: string): Promise<boolean> {
  const { kv } = await store.get(BOOTSTRAP_KEY);
  if (!kv) return false;
  const files = unseal(kv.value, token);
  if (!files) throw wrongToken();
  const localCa = join(pkiDir, 'ca.crt');
  if (existsSync(localCa) && !sameText(readFileSync(localCa, 'utf8'), files['ca.crt'] ?? '')) {
    throw new Error(`${localCa} is not the cluster's CA (the datastore holds another): this server was bootstrapped apart from the cluster; remove ${pkiDir} to join it`);
  }
  mkdirSync(pkiDir, { recursive: true, mode: 0o700 });
  for (const f of SHARED_FILES) {
    const text = files[f];
    if (text !== undefined && !existsSync(join(pkiDir, f))) writeFileSync(join(pkiDir, f), text, { mode: SECRET_MODE[f] ?? 0o644 });
  }
  return true;
}

/**
 * After this server made (or restored) its CA and keys: puts them in the datastore unless they are
 * there. Two first servers racing: the second learns of the first's secrets and is refused.
 */
export async function publishClusterSecrets(store: Store, pkiDir: string, token: string): Promise<void> {
  const files: Record<string, string> = {};
  for (const f of SHARED_FILES) if (existsSync(join(pkiDir, f))) files[f] = readFileSync(join(pkiDir, f), 'utf8');
  try {
    await store.create(BOOTSTRAP_KEY, seal(files, token));
  } catch (err) {
    if (!isStoreError(err, 'Exists')) throw err;
    const { kv } = await store.get(BOOTSTRAP_KEY);
    const theirs = kv ? unseal(kv.value, token) : null;
    if (!theirs) throw wrongToken();
    if (!sameText(theirs['ca.crt'] ?? '', files['ca.crt'] ?? '')) {
      throw new Error(`another server bootstrapped the cluster at the same time with another CA; remove ${pkiDir} and start this server again`);
    }
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a.trim());
  const y = Buffer.from(b.trim());
  return x.length === y.length && timingSafeEqual(x, y);
}

// The value transformers behind each provider, in Kubernetes' stored format:
//   k8s:enc:aesgcm:v1:<key name>:<12-byte nonce><ciphertext><16-byte tag>  (the store key is
//     authenticated data, so a value moved to another key does not decrypt)
//   k8s:enc:aescbc:v1:<key name>:<16-byte IV><ciphertext, PKCS#7 padded>
//   identity: the value as it is.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { ProviderConfig } from './config.js';

export interface KeyTransformer {
  /** "k8s:enc:aesgcm:v1:key1:"; empty for identity. */
  prefix: Buffer;
  encrypt(plain: Buffer, storeKey: string): Buffer;
  /** The plaintext of a value that starts with prefix. */
  decrypt(stored: Buffer, storeKey: string): Buffer;
}

function gcm(name: string, key: Buffer): KeyTransformer {
  const prefix = Buffer.from(`k8s:enc:aesgcm:v1:${name}:`);
  const algo = `aes-${key.length * 8}-gcm`;
  return {
    prefix,
    encrypt(plain, storeKey) {
      const nonce = randomBytes(12);
      const c = createCipheriv(algo, key, nonce) as import('node:crypto').CipherGCM;
      c.setAAD(Buffer.from(storeKey));
      const body = Buffer.concat([c.update(plain), c.final()]);
      return Buffer.concat([prefix, nonce, body, c.getAuthTag()]);
    },
    decrypt(stored, storeKey) {
      const data = stored.subarray(prefix.length);
      if (data.length < 12 + 16) throw new Error('the stored data was shorter than the required size');
      const d = createDecipheriv(algo, key, data.subarray(0, 12)) as import('node:crypto').DecipherGCM;
      d.setAAD(Buffer.from(storeKey));
      d.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([d.update(data.subarray(12, data.length - 16)), d.final()]);
    },
  };
}

function cbc(name: string, key: Buffer): KeyTransformer {
  const prefix = Buffer.from(`k8s:enc:aescbc:v1:${name}:`);
  const algo = `aes-${key.length * 8}-cbc`;
  return {
    prefix,
    encrypt(plain) {
      const iv = randomBytes(16);
      const c = createCipheriv(algo, key, iv);
      return Buffer.concat([prefix, iv, c.update(plain), c.final()]);
    },
    decrypt(stored) {
      const data = stored.subarray(prefix.length);
      if (data.length < 16 || (data.length - 16) % 16 !== 0) throw new Error('the stored data is not a multiple of the block size');
      const d = createDecipheriv(algo, key, data.subarray(0, 16));
      return Buffer.concat([d.update(data.subarray(16)), d.final()]);
    },
  };
}

const identity: KeyTransformer = {
  prefix: Buffer.alloc(0),
  encrypt: (plain) => plain,
  decrypt: (stored) => stored,
};

/** One transformer per key, in the provider's key order (the first key of the first provider encrypts). */
export function transformersFor(p: ProviderConfig): KeyTransformer[] {
  switch (p.type) {
    case 'identity': return [identity];
    case 'aesgcm': return p.keys.map((k) => gcm(k.name, k.secret));
    case 'aescbc': return p.keys.map((k) => cbc(k.name, k.secret));
    case 'secretbox':
      // XSalsa20-Poly1305 is not in node:crypto; refusing beats storing with a weaker stand-in.
      throw new Error('the secretbox provider is not supported by k8ts; use aesgcm or aescbc');
  }
}

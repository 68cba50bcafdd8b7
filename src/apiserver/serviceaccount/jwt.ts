// Compact JWS (JWT) signing and verification with node:crypto: RS256 for RSA keys, ES256 for
// P-256 keys. Twenty lines of crypto calls rather than a dependency; only the two algorithms
// Kubernetes issues service account tokens with are accepted, never "none" or HMAC.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export type JwtAlg = 'RS256' | 'ES256';

export interface SigningKey {
  alg: JwtAlg;
  kid: string;
  key: KeyObject;
}

export interface VerifyingKey {
  alg: JwtAlg;
  kid: string;
  key: KeyObject;
}

function algOf(key: KeyObject): JwtAlg {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`service account keys must be RSA or ECDSA P-256 (got ${key.asymmetricKeyType}${key.asymmetricKeyDetails?.namedCurve ? ' ' + key.asymmetricKeyDetails.namedCurve : ''})`);
}

/** Kubernetes' key id: the unpadded base64url SHA-256 of the public key's PKIX DER. */
export function keyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
}

export function signingKey(privateKeyPem: string | Buffer): SigningKey {
  const key = createPrivateKey(privateKeyPem);
  return { alg: algOf(key), kid: keyId(createPublicKey(key)), key };
}

/** Every public key in a PEM bundle (PUBLIC KEY, RSA PUBLIC KEY or a private key, whose public half is used). */
export function verifyingKeys(pems: string | Buffer | (string | Buffer)[]): VerifyingKey[] {
  const blocks: string[] = [];
  for (const p of Array.isArray(pems) ? pems : [pems]) {
    const text = p.toString();
    const re = /-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----/g;
    for (let m = re.exec(text); m; m = re.exec(text)) blocks.push(m[0]);
  }
  return blocks.map((b) => {
    const key = createPublicKey(b);
    return { alg: algOf(key), kid: keyId(key), key };
  });
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export function signJwt(k: SigningKey, claims: Record<string, unknown>): string {
  const input = `${b64({ alg: k.alg, kid: k.kid })}.${b64(claims)}`;
  const sig = sign('sha256', Buffer.from(input), k.alg === 'ES256' ? { key: k.key, dsaEncoding: 'ieee-p1363' } : k.key);
  return `${input}.${sig.toString('base64url')}`;
}

export interface DecodedJwt {
  header: { alg?: string; kid?: string; typ?: string };
  claims: Record<string, unknown>;
  input: string;
  signature: Buffer;
}

/** Splits and parses a compact JWS without checking anything; null when it is not one. */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as DecodedJwt['header'];
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof header !== 'object' || header === null || typeof claims !== 'object' || claims === null || Array.isArray(claims)) return null;
    return { header, claims, input: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, 'base64url') };
  } catch {
    return null;
  }
}

/** Whether one of the keys (the one named by kid, when the token names one) signed the token. */
export function verifySignature(jwt: DecodedJwt, keys: VerifyingKey[]): boolean {
  const alg = jwt.header.alg;
  const candidates = keys.filter((k) => k.alg === alg && (!jwt.header.kid || k.kid === jwt.header.kid));
  for (const k of candidates) {
    try {
      const ok = verify('sha256', Buffer.from(jwt.input), k.alg === 'ES256' ? { key: k.key, dsaEncoding: 'ieee-p1363' } : k.key, jwt.signature);
      if (ok) return true;
    } catch {
      // A malformed signature for this key type: try the next key.
    }
  }
  return false;
}

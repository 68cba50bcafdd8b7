// The signing key of service account tokens: made once and kept (the TLS/PKI wiring decides where,
// e.g. <data-dir>/tls/service-account.key), since every issued token dies with its key.
import { generateKeyPairSync } from 'node:crypto';

/** A new ECDSA P-256 key pair as PKCS#8 / SPKI PEM (ES256: small tokens, fast signing). */
export function generateServiceAccountKey(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

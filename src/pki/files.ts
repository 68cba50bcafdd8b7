// Certificates kept on disk: the CA is created on first start and reused after (every issued
// certificate and every kubeconfig depends on it); leaf certificates are reused while they are
// signed by that CA, still name what they must (subject, SANs) and are not close to expiry, and
// reissued otherwise. Private keys are written 0600, never readable by others.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import {
  certificateSans, certificateSubject, createCa, issueClientCert, issueServingCert,
  type CertKeyPair, type ClientCertSpec, type IssueOptions, type ServingCertSpec,
} from './certs.js';

export interface StoredPair extends CertKeyPair {
  certPath: string;
  keyPath: string;
  /** True when this call created (or replaced) it. */
  created: boolean;
}

/** Reissue a leaf this long before it expires. */
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

function writeAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

function save(dir: string, name: string, pair: CertKeyPair): StoredPair {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  // Key first: a certificate whose key is missing would be taken as reusable next time.
  writeAtomic(keyPath, pair.key, 0o600);
  writeAtomic(certPath, pair.cert, 0o644);
  return { ...pair, certPath, keyPath, created: true };
}

function load(dir: string, name: string): StoredPair | null {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  if (!existsSync(certPath) || !existsSync(keyPath)) return null;
  return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), certPath, keyPath, created: false };
}

/** The cluster CA in dir (ca.crt, ca.key): created on first call, the same one after. */
export async function ensureCa(dir: string, opts: IssueOptions & { cn?: string } = {}): Promise<StoredPair> {
  const have = load(dir, 'ca');
  if (have) {
    const c = new X509Certificate(have.cert);
    if (!c.ca) throw new Error(`${have.certPath} is not a CA certificate`);
    if (!c.checkPrivateKey(createPrivateKey(have.key))) {
      throw new Error(`${have.keyPath} is not the key of ${have.certPath}`);
    }
    return have;
  }
  return save(dir, 'ca', await createCa(opts.cn, opts));
}

export type LeafSpec = ({ kind: 'serving' } & ServingCertSpec) | ({ kind: 'client' } & ClientCertSpec);

/** Why a stored leaf cannot be reused, or null when it can. */
export function staleReason(pair: CertKeyPair, ca: CertKeyPair, spec: LeafSpec, now = Date.now()): string | null {
  let c: X509Certificate;
  try {
    c = new X509Certificate(pair.cert);
  } catch {
    return 'unreadable certificate';
  }
  const caCert = new X509Certificate(ca.cert);
  if (!c.checkIssued(caCert) || !c.verify(caCert.publicKey)) return 'not signed by the cluster CA';
  if (Date.parse(c.validTo) - now < RENEW_BEFORE_MS) return 'expires soon';
  if (Date.parse(c.validFrom) > now) return 'not yet valid';
  const subj = certificateSubject(pair.cert);
  if (subj.cn !== spec.cn) return 'subject changed';
  if (spec.kind === 'client') {
    const want = [...(spec.orgs ?? [])].sort().join(',');
    if ([...subj.orgs].sort().join(',') !== want) return 'groups changed';
  } else {
    const sans = certificateSans(pair.cert);
    const have = new Set([...sans.dnsNames, ...sans.ips]);
    if ([...(spec.dnsNames ?? []), ...(spec.ips ?? [])].some((n) => !have.has(n))) return 'names changed';
  }
  return null;
}

/** dir/<name>.crt and .key for spec, signed by ca: reused when still right, (re)issued otherwise. */
export async function ensureCert(dir: string, name: string, ca: CertKeyPair, spec: LeafSpec, opts: IssueOptions = {}): Promise<StoredPair> {
  const have = load(dir, name);
  if (have && staleReason(have, ca, spec, opts.now) === null) return have;
  const pair = spec.kind === 'serving' ? await issueServingCert(ca, spec, opts) : await issueClientCert(ca, spec, opts);
  return save(dir, name, pair);
}

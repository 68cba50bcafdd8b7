// Issuing certificates: a self-signed cluster CA, serving certificates (serverAuth, SANs), client
// certificates (clientAuth; CN = user, one O per group, as Kubernetes' x509 authenticator reads
// them) and signing a PKCS#10 CSR (the CertificateSigningRequest flow). Keys are ECDSA P-256, one
// of Kubernetes' two defaults (k3s uses it; it is also fast to generate), written as PKCS#8 PEM.
// Validity follows kubeadm: CA 10 years, leaf 1 year; notBefore is backdated a little so clocks
// that are slightly behind still accept a fresh certificate.
import { createPrivateKey, randomBytes, X509Certificate, type webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import type * as X509 from '@peculiar/x509';

// The X.509 library is loaded on first issue only: reading and checking certificates (every start,
// every request) needs only node:crypto, and the library takes a while to load.
let libP: Promise<typeof import('./x509-lib.js')> | null = null;
const lib = () => (libP ??= import('./x509-lib.js'));

/** A certificate and its private key, both PEM. */
export interface CertKeyPair {
  cert: string;
  key: string;
}

export interface IssueOptions {
  /** Milliseconds since the epoch (default Date.now()). */
  now?: number;
  /** Lifetime in ms (default: CA 10 years, leaf 1 year). */
  validityMs?: number;
}

const DAY = 24 * 3600 * 1000;
export const CA_VALIDITY_MS = 3650 * DAY;
export const LEAF_VALIDITY_MS = 365 * DAY;
/** How far notBefore lies before the issuing time. */
const BACKDATE_MS = 5 * 60 * 1000;

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const EC_SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const RSA_KEY = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

export const USAGE_OIDS = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

async function newKeyPair(): Promise<CryptoKeyPair> {
  const { subtle } = await lib();
  return subtle.generateKey(EC_KEY, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

async function keyPem(k: CryptoKey): Promise<string> {
  const { subtle } = await lib();
  return pem('PRIVATE KEY', await subtle.exportKey('pkcs8', k));
}

/** A PEM private key (PKCS#8, SEC1 "EC PRIVATE KEY" or PKCS#1 RSA) as a WebCrypto signing key, with its algorithm. */
async function signingKey(keyPem: string): Promise<{ key: CryptoKey; alg: typeof EC_SIGN | typeof RSA_KEY }> {
  const { subtle } = await lib();
  const ko = createPrivateKey(keyPem);
  const der = ko.export({ type: 'pkcs8', format: 'der' });
  if (ko.asymmetricKeyType === 'ec') {
    const curve = ko.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : 'P-256';
    return { key: await subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve }, false, ['sign']), alg: EC_SIGN };
  }
  if (ko.asymmetricKeyType === 'rsa') return { key: await subtle.importKey('pkcs8', der, RSA_KEY, false, ['sign']), alg: RSA_KEY };
  throw new Error(`unsupported CA key type ${ko.asymmetricKeyType}`);
}

/** A positive, non-zero 128-bit serial number (hex), as RFC 5280 asks. */
function serialNumber(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex');
}

/**
 * One O per group, then CN, each its own RDN (Go's pkix.Name order). Values are given as UTF8String
 * objects: the library reads plain strings with its text-DN rules (quotes, escapes), which would
 * change a name such as `a "b"`.
 */
async function subjectName(cn: string, orgs: string[] = []): Promise<X509.Name> {
  const { x509 } = await lib();
  const attr = (v: string) => [{ utf8String: v }];
  return new x509.Name([...orgs.map((o) => ({ O: attr(o) })), { CN: attr(cn) }] as never);
}

function validity(opts: IssueOptions, defaultMs: number): { notBefore: Date; notAfter: Date } {
  const now = opts.now ?? Date.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + (opts.validityMs ?? defaultMs)) };
}

/** A new self-signed CA (CA:true, keyCertSign). */
export async function createCa(cn = 'k8ts-ca', opts: IssueOptions = {}): Promise<CertKeyPair> {
  const { x509 } = await lib();
  const keys = await newKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(), name: await subjectName(cn), keys, signingAlgorithm: EC_SIGN, ...validity(opts, CA_VALIDITY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await keyPem(keys.privateKey) };
}

interface LeafSpec {
  subject: X509.Name;
  usages: string[];
  dnsNames?: string[];
  ips?: string[];
  emails?: string[];
  uris?: string[];
}

async function issue(ca: CertKeyPair, publicKey: X509.PublicKeyType, spec: LeafSpec, opts: IssueOptions): Promise<string> {
  const { x509 } = await lib();
  const caCert = new x509.X509Certificate(ca.cert);
  const signer = await signingKey(ca.key);
  const names: X509.JsonGeneralName[] = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(spec.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(spec.emails ?? []).map((value) => ({ type: 'email' as const, value })),
    ...(spec.uris ?? []).map((value) => ({ type: 'url' as const, value })),
  ];
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(spec.usages, false),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
  ];
  if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(), subject: spec.subject, issuer: caCert.subjectName, publicKey, signingKey: signer.key as never,
    signingAlgorithm: signer.alg, ...validity(opts, LEAF_VALIDITY_MS), extensions,
  });
  return cert.toString('pem') + '\n';
}

export interface ServingCertSpec {
  cn: string;
  dnsNames?: string[];
  ips?: string[];
}

/** A serving certificate (serverAuth) for every name and address in the spec. */
export async function issueServingCert(ca: CertKeyPair, spec: ServingCertSpec, opts: IssueOptions = {}): Promise<CertKeyPair> {
  for (const ip of spec.ips ?? []) if (!isIP(ip)) throw new Error(`not an IP address: ${ip}`);
  const keys = await newKeyPair();
  const cert = await issue(ca, keys.publicKey as never, {
    subject: await subjectName(spec.cn), usages: [USAGE_OIDS.serverAuth], dnsNames: unique(spec.dnsNames), ips: unique(spec.ips),
  }, opts);
  return { cert, key: await keyPem(keys.privateKey) };
}

export interface ClientCertSpec {
  /** The user name. */
  cn: string;
  /** The groups. */
  orgs?: string[];
}

/** A client certificate (clientAuth): CN is the user, each O a group. */
export async function issueClientCert(ca: CertKeyPair, spec: ClientCertSpec, opts: IssueOptions = {}): Promise<CertKeyPair> {
  const keys = await newKeyPair();
  const cert = await issue(ca, keys.publicKey as never, { subject: await subjectName(spec.cn, spec.orgs), usages: [USAGE_OIDS.clientAuth] }, opts);
  return { cert, key: await keyPem(keys.privateKey) };
}

/** A key and a PKCS#10 request for it (what a kubelet sends in a CertificateSigningRequest). */
export async function createCsr(spec: ClientCertSpec & { dnsNames?: string[]; ips?: string[] }): Promise<{ csr: string; key: string }> {
  const { x509 } = await lib();
  const keys = await newKeyPair();
  const names: X509.JsonGeneralName[] = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(spec.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: await subjectName(spec.cn, spec.orgs), keys: keys as never, signingAlgorithm: EC_SIGN,
    extensions: names.length ? [new x509.SubjectAlternativeNameExtension(names)] : [],
  });
  return { csr: csr.toString('pem') + '\n', key: await keyPem(keys.privateKey) };
}

/** Kubernetes' certificates/v1 KeyUsage names that map to extended key usages. */
const EKU_BY_USAGE: Record<string, string> = {
  'server auth': USAGE_OIDS.serverAuth,
  'client auth': USAGE_OIDS.clientAuth,
  'code signing': '1.3.6.1.5.5.7.3.3',
  'email protection': '1.3.6.1.5.5.7.3.4',
  'timestamping': '1.3.6.1.5.5.7.3.8',
  'ocsp signing': '1.3.6.1.5.5.7.3.9',
};

export interface SignCsrOptions extends IssueOptions {
  /** spec.usages of the CertificateSigningRequest ("client auth", "digital signature"...). */
  usages: string[];
}

/**
 * Signs a PEM CSR as Kubernetes' CSR signer does: subject and SANs (DNS, IP, email, URI) from the
 * request, extended key usages from `usages`. Throws when the request's own signature is invalid
 * (the requester must hold the key).
 */
export async function signCsr(ca: CertKeyPair, csrPem: string, opts: SignCsrOptions): Promise<string> {
  const { x509 } = await lib();
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  if (!(await csr.verify())) throw new Error('the certificate request signature is invalid');
  const ekus = [...new Set(opts.usages.map((u) => EKU_BY_USAGE[u]).filter((o): o is string => !!o))];
  const spec: LeafSpec = { subject: csr.subjectName, usages: ekus, dnsNames: [], ips: [], emails: [], uris: [] };
  const sanExt = csr.extensions.find((e) => e.type === '2.5.29.17');
  const san = sanExt ? new x509.SubjectAlternativeNameExtension(sanExt.rawData) : null;
  for (const n of san?.names.items ?? []) {
    if (n.type === 'dns') spec.dnsNames!.push(n.value);
    else if (n.type === 'ip') spec.ips!.push(n.value);
    else if (n.type === 'email') spec.emails!.push(n.value);
    else if (n.type === 'url') spec.uris!.push(n.value);
  }
  return issue(ca, csr.publicKey as never, spec, opts);
}

/** Subject CN and O values of a PEM or DER certificate (as decoded attribute values, no DN escaping). */
export function certificateSubject(cert: string | Buffer): { cn: string; orgs: string[] } {
  const subject = new X509Certificate(cert).toLegacyObject().subject as unknown as Record<string, string | string[] | undefined>;
  const all = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  // Go's pkix.Name keeps the last CN when there are several; so does Kubernetes.
  return { cn: all(subject.CN).at(-1) ?? '', orgs: all(subject.O) };
}

/** DNS names and IP addresses in a certificate's subjectAltName. */
export function certificateSans(cert: string | Buffer): { dnsNames: string[]; ips: string[] } {
  const c = new X509Certificate(cert);
  const out = { dnsNames: [] as string[], ips: [] as string[] };
  for (const part of (c.subjectAltName ?? '').split(', ')) {
    if (part.startsWith('DNS:')) out.dnsNames.push(part.slice(4));
    else if (part.startsWith('IP Address:')) out.ips.push(part.slice(11));
  }
  return out;
}

function unique(xs: string[] | undefined): string[] {
  return [...new Set(xs ?? [])];
}

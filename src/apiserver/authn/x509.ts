// Client certificates (kube-apiserver's --client-ca-file): the certificate the client presented in
// the TLS handshake, verified here against the client CA bundle (the server accepts any certificate
// so that token and anonymous requests still connect). CN is the user name, each O a group, as
// Kubernetes' CommonNameUserConversion has it. A presented certificate that does not verify
// (unknown CA, expired, tampered, not for client auth) is a 401.
import { X509Certificate } from 'node:crypto';
import type { TLSSocket, PeerCertificate, DetailedPeerCertificate } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { Authenticator, UserInfo } from '../auth/types.js';
import { unauthorized } from '../auth/pipeline.js';
import { realClock, type Clock } from '../../machinery/clock.js';
import { certificateSubject } from '../../pki/certs.js';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';
const MAX_CHAIN = 6;

export interface X509AuthenticatorOptions {
  /** PEM bundle of the CAs that sign client certificates. */
  clientCA: string | Buffer;
  clock?: Clock;
  /** Why a presented certificate was refused. */
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Every certificate in a PEM bundle. */
export function parseCaBundle(pem: string | Buffer): X509Certificate[] {
  const blocks = String(pem).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('the client CA bundle holds no certificate');
  return blocks.map((b) => new X509Certificate(b));
}

function within(c: X509Certificate, now: number): boolean {
  return Date.parse(c.validFrom) <= now && now <= Date.parse(c.validTo);
}

/**
 * The user of a certificate chain (leaf first, then any intermediates the client sent), or an
 * Error saying why it is refused: every link signed by the next, the last by a CA of the bundle,
 * all within their validity, the leaf usable for client authentication.
 */
export function verifyClientChain(chain: Buffer[], cas: X509Certificate[], now: number): UserInfo | Error {
  if (chain.length === 0) return new Error('no certificate');
  let certs: X509Certificate[];
  try {
    certs = chain.slice(0, MAX_CHAIN).map((d) => new X509Certificate(d));
  } catch (err) {
    return new Error(`unreadable certificate: ${(err as Error).message}`);
  }
  const leaf = certs[0]!;
  const eku = leaf.keyUsage;
  if (eku && !eku.includes(CLIENT_AUTH) && !eku.includes(ANY_EKU)) return new Error('x509: certificate specifies an incompatible key usage');
  for (let i = 0; i < certs.length; i++) {
    const c = certs[i]!;
    if (!within(c, now)) return new Error(`x509: certificate has expired or is not yet valid: current time ${new Date(now).toISOString()} is outside ${c.validFrom} - ${c.validTo}`);
    const root = cas.find((ca) => c.checkIssued(ca) && c.verify(ca.publicKey) && within(ca, now));
    if (root) {
      const { cn, orgs } = certificateSubject(leaf.raw);
      if (!cn) return new Error('the client certificate has no common name');
      return { username: cn, groups: orgs };
    }
    const next = certs[i + 1];
    if (!next || !next.ca || !c.checkIssued(next) || !c.verify(next.publicKey)) break;
  }
  return new Error('x509: certificate signed by unknown authority');
}

/** The chain a TLS client presented (leaf first), or [] for plain HTTP or no certificate. */
export function peerChain(req: IncomingMessage): Buffer[] {
  const sock = req.socket as Partial<TLSSocket>;
  if (typeof sock.getPeerCertificate !== 'function') return [];
  let c: PeerCertificate | DetailedPeerCertificate | undefined = sock.getPeerCertificate(true);
  const out: Buffer[] = [];
  while (c && c.raw && out.length < MAX_CHAIN) {
    out.push(c.raw);
    const up: DetailedPeerCertificate | undefined = (c as DetailedPeerCertificate).issuerCertificate;
    if (!up || up === c || up.raw?.equals(c.raw)) break;
    c = up;
  }
  return out;
}

export function x509Authenticator(o: X509AuthenticatorOptions): Authenticator {
  const cas = parseCaBundle(o.clientCA);
  const clock = o.clock ?? realClock;
  // One verification per connection: a keep-alive client sends many requests with one handshake.
  const verified = new WeakMap<object, { user: UserInfo | Error | null; notAfter: number }>();
  return {
    authenticate(req): UserInfo | null {
      const now = clock.now();
      let v = verified.get(req.socket);
      if (!v || now > v.notAfter) {
        // Reading the peer's chain builds objects for every certificate: done once per connection.
        const chain = peerChain(req);
        if (chain.length === 0) {
          v = { user: null, notAfter: Infinity };
        } else {
          const user = verifyClientChain(chain, cas, now);
          const leaf = new X509Certificate(chain[0]!);
          v = { user, notAfter: Math.min(Date.parse(leaf.validTo), now + 60_000) };
        }
        verified.set(req.socket, v);
      }
      if (v.user === null) return null;
      if (v.user instanceof Error) {
        o.log?.('client certificate refused', { reason: v.user.message });
        throw unauthorized();
      }
      return v.user;
    },
  };
}

// The kubelet's delegated authentication and authorization (Kubernetes' kubelet --authentication-
// token-webhook / --authorization-mode=Webhook): X.509 client certificates are checked against the
// client CA here; bearer tokens are checked by the API server (TokenReview); every decision is the
// API server's (SubjectAccessReview). Answers are cached briefly, with the kubelet's default TTLs,
// so a busy `kubectl logs -f` or metrics scrape does not cost an API round trip per request.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { X509Certificate, createHash } from 'node:crypto';
import type { RestClient } from '../../client/rest.js';
import { realClock, type Clock } from '../../machinery/clock.js';
import type { RequestAttributes, UserInfo } from '../../apiserver/auth/types.js';

export interface DelegatedAuthOptions {
  /** PEM bundle of the CAs that sign client certificates; absent: certificates are not accepted. */
  clientCA?: Buffer;
  clock?: Clock;
  /** Kubernetes' defaults: tokens 2 min; authorized 5 min, unauthorized 30 s. */
  tokenTtlMs?: number;
  authorizedTtlMs?: number;
  unauthorizedTtlMs?: number;
}

export interface DelegatedKubeletAuth {
  authenticate(req: IncomingMessage): Promise<UserInfo | null>;
  authorize(attrs: RequestAttributes): Promise<{ allowed: boolean; reason?: string }>;
}

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';

class TtlCache<V> {
  private m = new Map<string, { v: V; until: number }>();
  constructor(private clock: Clock, private max = 4096) {}
  get(k: string): V | undefined {
    const e = this.m.get(k);
    if (!e) return undefined;
    if (e.until <= this.clock.now()) { this.m.delete(k); return undefined; }
    return e.v;
  }
  set(k: string, v: V, ttl: number): void {
    if (this.m.size >= this.max) this.m.delete(this.m.keys().next().value!);
    this.m.set(k, { v, until: this.clock.now() + ttl });
  }
}

function splitPem(bundle: Buffer): X509Certificate[] {
  const blocks = bundle.toString('utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

/** CN is the user, each O a group (Kubernetes' x509 CommonNameUserConversion). */
export function userFromCertificate(cert: X509Certificate): UserInfo {
  let username = '';
  const groups: string[] = [];
  for (const line of cert.subject.split('\n')) {
    const i = line.indexOf('=');
    const k = line.slice(0, i), v = line.slice(i + 1);
    if (k === 'CN') username = v;
    else if (k === 'O') groups.push(v);
  }
  return { username, groups };
}

/** Whether the certificate was issued by one of the CAs, is in its validity window and may be a client. */
export function verifyClientCertificate(cert: X509Certificate, cas: X509Certificate[], now: number): string | null {
  if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now) return 'x509: certificate has expired or is not yet valid';
  if (!cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) return 'x509: certificate signed by unknown authority';
  const usages = cert.keyUsage;
  if (usages && usages.length && !usages.includes(CLIENT_AUTH_OID)) return 'x509: certificate specifies an incompatible key usage';
  return null;
}

class Unauthorized extends Error {}

export function delegatedKubeletAuth(client: RestClient, opts: DelegatedAuthOptions = {}): DelegatedKubeletAuth {
  const clock = opts.clock ?? realClock;
  const cas = opts.clientCA ? splitPem(opts.clientCA) : [];
  const tokens = new TtlCache<UserInfo | null>(clock);
  const decisions = new TtlCache<{ allowed: boolean; reason?: string }>(clock);
  const tokenTtl = opts.tokenTtlMs ?? 120_000;

  async function reviewToken(token: string): Promise<UserInfo | null> {
    const key = createHash('sha256').update(token).digest('hex');
    const hit = tokens.get(key);
    if (hit !== undefined) return hit;
    const review = await client.request<{ status?: { authenticated?: boolean; user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> } } }>(
      'POST', '/apis/authentication.k8s.io/v1/tokenreviews',
      { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } },
    );
    const u = review.status?.authenticated ? review.status.user : undefined;
    const user: UserInfo | null = u?.username ? { username: u.username, groups: u.groups ?? [], ...(u.uid ? { uid: u.uid } : {}), ...(u.extra ? { extra: u.extra } : {}) } : null;
    tokens.set(key, user, tokenTtl);
    return user;
  }

  return {
    async authenticate(req: IncomingMessage): Promise<UserInfo | null> {
      const socket = req.socket as TLSSocket;
      const peer = typeof socket.getPeerX509Certificate === 'function' ? socket.getPeerX509Certificate() : undefined;
      if (peer && cas.length) {
        const why = verifyClientCertificate(peer, cas, clock.now());
        if (why) throw new Unauthorized(why);
        return userFromCertificate(peer);
      }
      const h = req.headers.authorization;
      const m = typeof h === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
      if (!m) return null;
      const user = await reviewToken(m[1]!);
      if (!user) throw new Unauthorized('invalid bearer token');
      return user;
    },

    async authorize(a: RequestAttributes): Promise<{ allowed: boolean; reason?: string }> {
      const spec: Record<string, unknown> = { user: a.user.username, groups: a.user.groups };
      if (a.user.uid) spec.uid = a.user.uid;
      if (a.user.extra) spec.extra = a.user.extra;
      if (a.resourceRequest) {
        spec.resourceAttributes = { namespace: a.namespace, verb: a.verb, group: a.apiGroup, version: a.apiVersion, resource: a.resource, subresource: a.subresource, name: a.name };
      } else {
        spec.nonResourceAttributes = { path: a.path, verb: a.verb };
      }
      const key = JSON.stringify(spec);
      const hit = decisions.get(key);
      if (hit) return hit;
      const review = await client.request<{ status?: { allowed?: boolean; reason?: string } }>(
        'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews',
        { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec } },
      );
      const d = { allowed: review.status?.allowed === true, ...(review.status?.reason ? { reason: review.status.reason } : {}) };
      decisions.set(key, d, d.allowed ? opts.authorizedTtlMs ?? 300_000 : opts.unauthorizedTtlMs ?? 30_000);
      return d;
    },
  };
}

// Service account tokens: Kubernetes' bound JWTs (iss, sub, aud, exp, iat, nbf, jti and the
// `kubernetes.io` claim naming the namespace, ServiceAccount and the Pod, Secret or Node the token
// is bound to), issued by TokenRequest and checked by the authenticator below: signature, issuer,
// time, audience, and that every object the token names still exists with the same uid, so
// deleting a ServiceAccount or a pod revokes its tokens.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../../api/resource.js';
import { realClock, type Clock } from '../../machinery/clock.js';
import { ApiError } from '../../machinery/errors.js';
import type { Authenticator, UserInfo } from '../auth/types.js';
import type { ServerContext } from '../context.js';
import { decodeJwt, signJwt, signingKey, verifySignature, verifyingKeys, type SigningKey, type VerifyingKey } from './jwt.js';
import { serverObjects, type ObjectReader } from './objects.js';

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** go-jose's default leeway for exp, nbf and iat, which Kubernetes' validator uses. */
export const LEEWAY_SECONDS = 60;

export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';
export const EXTRA_NODE_NAME = 'authentication.kubernetes.io/node-name';
export const EXTRA_NODE_UID = 'authentication.kubernetes.io/node-uid';
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';

export interface ServiceAccountTokenOptions {
  /** PEM private key that signs tokens (RSA → RS256, ECDSA P-256 → ES256). */
  privateKeyPem: string | Buffer;
  /** PEM public keys that verify tokens (default: the signing key's own); list old keys during rotation. */
  publicKeysPem?: string | Buffer | (string | Buffer)[];
  /** The `iss` of issued tokens (--service-account-issuer). */
  issuer?: string;
  /** Other issuers whose tokens are accepted (further --service-account-issuer values). */
  acceptedIssuers?: string[];
  /** The API server's own audiences (--api-audiences; default [issuer]). */
  audiences?: string[];
  /**
   * Where the ServiceAccount, Pod, Secret and Node of a token are read. Default: the server's
   * watch cache, once attach(ctx) has been called (the hooks and admission plugin do it on first
   * use); until then, this reader (storeObjects(store)) if given.
   */
  objects?: ObjectReader;
  clock?: Clock;
}

export interface IssueRequest {
  serviceAccount: KubeObject;
  audiences: string[];
  expirationSeconds: number;
  pod?: KubeObject;
  secret?: KubeObject;
  node?: KubeObject;
}

export interface IssuedToken {
  token: string;
  /** RFC 3339, seconds precision. */
  expirationTimestamp: string;
  claims: ServiceAccountClaims;
}

interface Ref { name?: string; uid?: string }
export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': { namespace: string; serviceaccount: Ref; pod?: Ref; secret?: Ref; node?: Ref };
}

export interface TokenAuthResult {
  user: UserInfo;
  /** The audiences both the token and the request accept. */
  audiences: string[];
}

/** A token that is ours but not good: its message is what TokenReview reports. */
export class TokenError extends Error {}

export interface ServiceAccountTokens {
  readonly issuer: string;
  readonly audiences: string[];
  /** Bearer tokens issued by this issuer; null for requests without one or with someone else's token. */
  readonly authenticator: Authenticator;
  /**
   * The same check as a token authenticator for bearerTokenAuthenticator() (src/apiserver/authn):
   * the user, or null for tokens that are not ours or not good (that chain answers 401 then).
   */
  readonly tokenAuthenticator: { authenticateToken(token: string): Promise<UserInfo | null> };
  issue(r: IssueRequest): IssuedToken;
  /**
   * Checks a token against the given audiences (default: the API server's). Null when the token is
   * not one of ours (not a JWT, another issuer); throws TokenError when it is ours and not valid.
   */
  authenticateToken(token: string, audiences?: string[]): Promise<TokenAuthResult | null>;
  /** Read objects through this server's watch cache from now on. */
  attach(ctx: ServerContext): void;
  /** The reader tokens are checked against now. */
  objects(): ObjectReader;
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** The bearer token of a request (Authorization: Bearer ...), or null. */
export function bearerToken(req: Pick<IncomingMessage, 'headers'>): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
}

const seconds = (ms: number) => Math.floor(ms / 1000);
const rfc3339 = (s: number) => new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function createServiceAccountTokens(o: ServiceAccountTokenOptions): ServiceAccountTokens {
  const key: SigningKey = signingKey(o.privateKeyPem);
  const keys: VerifyingKey[] = o.publicKeysPem ? verifyingKeys(o.publicKeysPem) : [];
  if (!keys.some((k) => k.kid === key.kid)) keys.push({ alg: key.alg, kid: key.kid, key: key.key });
  const issuer = o.issuer ?? DEFAULT_ISSUER;
  const issuers = new Set([issuer, ...(o.acceptedIssuers ?? [])]);
  const apiAudiences = o.audiences?.length ? [...o.audiences] : [issuer];
  const clock = o.clock ?? realClock;
  let reader: ObjectReader | undefined = o.objects;
  let attached: ServerContext | undefined;
  const objects = (): ObjectReader => {
    if (!reader) throw new TokenError('service account tokens cannot be checked before the API server is serving');
    return reader;
  };

  function issue(r: IssueRequest): IssuedToken {
    const sa = r.serviceAccount.metadata;
    const now = seconds(clock.now());
    const k8s: ServiceAccountClaims['kubernetes.io'] = {
      namespace: sa.namespace ?? '',
      serviceaccount: { name: sa.name, uid: sa.uid },
    };
    if (r.pod) k8s.pod = { name: r.pod.metadata.name, uid: r.pod.metadata.uid };
    if (r.secret) k8s.secret = { name: r.secret.metadata.name, uid: r.secret.metadata.uid };
    if (r.node) k8s.node = r.node.metadata.uid ? { name: r.node.metadata.name, uid: r.node.metadata.uid } : { name: r.node.metadata.name };
    // Key order as Kubernetes' tokens print when decoded.
    const claims: ServiceAccountClaims = {
      aud: r.audiences, exp: now + r.expirationSeconds, iat: now, iss: issuer, jti: randomUUID(),
      'kubernetes.io': k8s, nbf: now, sub: serviceAccountUsername(k8s.namespace, sa.name ?? ''),
    } as ServiceAccountClaims;
    return { token: signJwt(key, claims as unknown as Record<string, unknown>), expirationTimestamp: rfc3339(claims.exp), claims };
  }

  async function checkBound(kind: 'pods' | 'secrets' | 'nodes', ns: string, ref: Ref, now: number): Promise<KubeObject> {
    const obj = await objects().get(kind, ns, ref.name ?? '');
    const deleted = obj?.metadata.deletionTimestamp && Date.parse(obj.metadata.deletionTimestamp) / 1000 < now - LEEWAY_SECONDS;
    if (!obj || deleted) throw new TokenError('service account token has been invalidated');
    if (ref.uid !== obj.metadata.uid) {
      const what = kind === 'pods' ? 'pod' : kind === 'secrets' ? 'secret' : 'node';
      throw new TokenError(kind === 'nodes'
        ? `node UID (${obj.metadata.uid}) does not match service account node ref claim (${ref.uid})`
        : `${what} UID (${obj.metadata.uid}) does not match service account ${what} ref claim (${ref.uid})`);
    }
    return obj;
  }

  async function authenticateToken(token: string, requested?: string[]): Promise<TokenAuthResult | null> {
    const jwt = decodeJwt(token);
    if (!jwt || typeof jwt.claims.iss !== 'string' || !issuers.has(jwt.claims.iss)) return null;
    if (!verifySignature(jwt, keys)) throw new TokenError('go-jose/go-jose: error in cryptographic primitive');
    const c = jwt.claims as Partial<ServiceAccountClaims>;
    const now = seconds(clock.now());
    if (typeof c.exp !== 'number' || now > c.exp + LEEWAY_SECONDS) throw new TokenError('service account token has expired');
    if (typeof c.nbf === 'number' && now + LEEWAY_SECONDS < c.nbf) throw new TokenError('service account token is not valid yet');
    if (typeof c.iat === 'number' && now + LEEWAY_SECONDS < c.iat) throw new TokenError('service account token is not valid yet');
    const tokenAuds = typeof c.aud === 'string' ? [c.aud] : Array.isArray(c.aud) ? c.aud.filter((a): a is string => typeof a === 'string') : [];
    const wanted = requested?.length ? requested : apiAudiences;
    const auds = tokenAuds.filter((a) => wanted.includes(a));
    if (!auds.length) throw new TokenError(`token audiences ${goQuote(tokenAuds)} is invalid for the target audiences ${goQuote(wanted)}`);
    const k8s = c['kubernetes.io'];
    if (!k8s || typeof k8s.namespace !== 'string' || !k8s.serviceaccount?.name) throw new TokenError('service account token claims could not be validated due to unexpected private claim');
    const ns = k8s.namespace;
    const saName = k8s.serviceaccount.name;
    const sa = await objects().get('serviceaccounts', ns, saName);
    if (!sa) throw new TokenError(`serviceaccounts "${saName}" not found`);
    if (sa.metadata.deletionTimestamp && Date.parse(sa.metadata.deletionTimestamp) / 1000 < now - LEEWAY_SECONDS) throw new TokenError(`service account ${ns}/${saName} has been deleted`);
    if (sa.metadata.uid !== k8s.serviceaccount.uid) throw new TokenError(`service account UID (${sa.metadata.uid}) does not match claim (${k8s.serviceaccount.uid})`);
    const extra: Record<string, string[]> = {};
    if (k8s.secret) await checkBound('secrets', ns, k8s.secret, now);
    if (k8s.pod) {
      await checkBound('pods', ns, k8s.pod, now);
      extra[EXTRA_POD_NAME] = [k8s.pod.name ?? ''];
      extra[EXTRA_POD_UID] = [k8s.pod.uid ?? ''];
    }
    if (k8s.node) {
      // A token bound to a Node dies with it; a pod-bound token only reports the pod's node.
      if (!k8s.pod) await checkBound('nodes', '', k8s.node, now);
      extra[EXTRA_NODE_NAME] = [k8s.node.name ?? ''];
      if (k8s.node.uid) extra[EXTRA_NODE_UID] = [k8s.node.uid];
    }
    if (typeof c.jti === 'string' && c.jti) extra[EXTRA_CREDENTIAL_ID] = [`JTI=${c.jti}`];
    const user: UserInfo = {
      username: serviceAccountUsername(ns, saName),
      uid: k8s.serviceaccount.uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`],
    };
    if (Object.keys(extra).length) user.extra = extra;
    return { user, audiences: auds };
  }

  const authenticator: Authenticator = {
    async authenticate(req) {
      const token = bearerToken(req);
      if (!token) return null;
      try {
        return (await authenticateToken(token))?.user ?? null;
      } catch (err) {
        if (err instanceof TokenError) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
        throw err;
      }
    },
  };

  const tokenAuthenticator = {
    async authenticateToken(token: string): Promise<UserInfo | null> {
      try {
        return (await authenticateToken(token))?.user ?? null;
      } catch (err) {
        if (err instanceof TokenError) return null;
        throw err;
      }
    },
  };

  return {
    issuer,
    audiences: apiAudiences,
    authenticator,
    tokenAuthenticator,
    issue,
    authenticateToken,
    attach(ctx) {
      if (attached === ctx) return;
      attached = ctx;
      reader = serverObjects(ctx);
    },
    objects,
  };
}

/** Go's %q of a []string: ["a" "b"]. */
function goQuote(list: string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}

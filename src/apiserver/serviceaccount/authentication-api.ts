// authentication.k8s.io reviews, answered and never stored: TokenReview runs a token through the
// server's authenticators (service account tokens first, with the review's audiences, then the
// rest of the server's chain), SelfSubjectReview (`kubectl auth whoami`) returns the requester.
import type { IncomingMessage } from 'node:http';
import type { TokenReview, SelfSubjectReview, UserInfo as ApiUserInfo } from '../../api/authentication/v1/types.js';
import type { KubeObject } from '../../api/resource.js';
import { ApiError, errors } from '../../machinery/errors.js';
import { SUPERUSER, type UserInfo } from '../auth/types.js';
import type { RequestContext } from '../context.js';
import type { ResourceHooks } from '../hooks.js';
import { TokenError, type ServiceAccountTokens } from './tokens.js';

export interface AuthenticationApiOptions {
  /** Service account tokens (checked with the review's audiences). */
  tokens?: ServiceAccountTokens;
  /** The API server's audiences (default: the tokens' audiences). */
  audiences?: string[];
}

function apiUser(u: UserInfo): ApiUserInfo {
  const out: ApiUserInfo = { username: u.username };
  if (u.uid) out.uid = u.uid;
  out.groups = [...u.groups];
  if (u.extra && Object.keys(u.extra).length) out.extra = u.extra;
  return out;
}

function withAuthenticated(u: UserInfo): UserInfo {
  return u.groups.includes('system:authenticated') ? u : { ...u, groups: [...u.groups, 'system:authenticated'] };
}

interface ReviewResult { authenticated: boolean; user?: UserInfo; audiences?: string[]; error?: string }

async function review(o: AuthenticationApiOptions, rc: RequestContext, token: string, requested: string[]): Promise<ReviewResult> {
  const apiAudiences = o.audiences ?? o.tokens?.audiences ?? [];
  if (o.tokens) {
    o.tokens.attach(rc.ctx);
    try {
      const r = await o.tokens.authenticateToken(token, requested.length ? requested : undefined);
      if (r) return { authenticated: true, user: withAuthenticated(r.user), audiences: r.audiences };
    } catch (err) {
      if (err instanceof TokenError) return { authenticated: false, error: `[invalid bearer token, ${err.message}]` };
      throw err;
    }
  }
  // Other authenticators do not know audiences: they are good for the API server's own only.
  const auds = requested.length ? requested.filter((a) => apiAudiences.includes(a)) : apiAudiences;
  if (requested.length && !auds.length) return { authenticated: false, error: 'token audiences are invalid for the target audiences' };
  const authn = rc.ctx.security?.authenticator;
  if (!authn) return { authenticated: false, error: 'invalid bearer token' };
  const fake = { headers: { authorization: `Bearer ${token}` }, socket: rc.req.socket, method: 'POST', url: '/' } as unknown as IncomingMessage;
  try {
    const user = await authn.authenticate(fake);
    if (!user) return { authenticated: false, error: 'invalid bearer token' };
    return { authenticated: true, user: withAuthenticated(user), audiences: auds.length ? auds : undefined };
  } catch (err) {
    if (err instanceof ApiError && err.code === 401) return { authenticated: false, error: 'invalid bearer token' };
    throw err;
  }
}

export function tokenReviewHooks(o: AuthenticationApiOptions): ResourceHooks {
  return {
    async compute(obj: KubeObject, rc: RequestContext): Promise<KubeObject> {
      const tr = obj as TokenReview;
      const token = tr.spec?.token ?? '';
      if (!token) throw errors.badRequest('token is required for TokenReview in authentication');
      const r = await review(o, rc, token, tr.spec?.audiences ?? []);
      const status: NonNullable<TokenReview['status']> = { authenticated: r.authenticated, user: r.user ? apiUser(r.user) : {} };
      if (r.audiences?.length) status.audiences = r.audiences;
      if (r.error) status.error = r.error;
      return { ...tr, metadata: { ...tr.metadata, creationTimestamp: undefined }, status } as KubeObject;
    },
  };
}

export function selfSubjectReviewHooks(): ResourceHooks {
  return {
    compute(obj: KubeObject, rc: RequestContext): KubeObject {
      const r = obj as SelfSubjectReview;
      return { ...r, status: { userInfo: apiUser(rc.user ?? SUPERUSER) } } as KubeObject;
    },
  };
}

/** The hooks for createApiServer({ hooks }) by qualified resource. */
export function authenticationApiHooks(o: AuthenticationApiOptions = {}): Record<string, ResourceHooks> {
  return {
    'tokenreviews.authentication.k8s.io': tokenReviewHooks(o),
    'selfsubjectreviews.authentication.k8s.io': selfSubjectReviewHooks(),
  };
}

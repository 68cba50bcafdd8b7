// Authentication then authorization for one request, before any handler runs. Kubernetes' order:
// bad credentials are 401 whatever the path; no credentials are anonymous only when allowed; then
// the authorizer decides (403 with Kubernetes' message).
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../../machinery/errors.js';
import type { Route } from '../router.js';
import { ANONYMOUS, SUPERUSER, type Decision, type RequestAttributes, type SecurityOptions, type UserInfo } from './types.js';
import { forbiddenMessage, pathAttributes, resourceAttributes } from './request-attributes.js';

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export async function authenticate(sec: SecurityOptions | undefined, req: IncomingMessage): Promise<UserInfo> {
  if (!sec?.authenticator) return SUPERUSER;
  const user = await sec.authenticator.authenticate(req);
  if (user) {
    // Every authenticated user is in system:authenticated, as Kubernetes adds it.
    if (user.groups.includes('system:authenticated') || user.groups.includes('system:unauthenticated')) return user;
    return { ...user, groups: [...user.groups, 'system:authenticated'] };
  }
  if (sec.anonymous) return ANONYMOUS;
  throw unauthorized();
}

export interface Authorized {
  attrs: RequestAttributes;
  decision: Decision;
}

/** Throws 403 when the authorizer says no; a route of null means a non-resource path. */
export async function authorize(sec: SecurityOptions | undefined, user: UserInfo, req: IncomingMessage, url: URL, route: Route | null): Promise<Authorized> {
  const method = req.method ?? 'GET';
  const attrs = route ? resourceAttributes(user, method, url.pathname, route, url.searchParams) : pathAttributes(user, method, url.pathname);
  if (!sec?.authorizer) return { attrs, decision: { allowed: true } };
  const decision = await sec.authorizer.authorize(attrs);
  if (!decision.allowed) {
    throw new ApiError(403, 'Forbidden', forbiddenMessage(attrs, decision.reason), attrs.resourceRequest
      ? { name: attrs.name || undefined, group: attrs.apiGroup || undefined, kind: attrs.resource }
      : {});
  }
  return { attrs, decision };
}

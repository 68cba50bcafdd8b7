// Who may use the kubelet's API (upstream: pkg/kubelet/server/auth.go). Every request is
// authenticated, then authorized as an action on the node object: resource `nodes`, name = this
// node, verb from the HTTP method, and a subresource from the path (stats, metrics, log, spec,
// checkpoint; everything else, exec/attach/portForward/containerLogs/pods included, is `proxy`).
// The authenticator and authorizer themselves are supplied by the caller (X.509 client
// certificates, tokens, SubjectAccessReview...); without them the kubelet serves everyone.
import type { IncomingMessage } from 'node:http';
import type { RequestAttributes, UserInfo } from '../../apiserver/auth/types.js';

export interface KubeletAuth {
  /** The user the request proves, or null when it carries no (valid) credentials. */
  authenticate(req: IncomingMessage): Promise<UserInfo | null>;
  authorize(attrs: RequestAttributes): Promise<{ allowed: boolean; reason?: string }>;
}

const VERBS: Record<string, string> = { GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** The authorization verb of an HTTP method, as the kubelet maps it (unknown methods: get). */
export function kubeletVerb(method: string | undefined): string {
  return VERBS[(method ?? 'GET').toUpperCase()] ?? 'get';
}

const SUBRESOURCE_PATHS: [string, string][] = [
  ['/stats', 'stats'], ['/metrics', 'metrics'], ['/logs', 'log'], ['/spec', 'spec'], ['/checkpoint', 'checkpoint'],
];

/** The `nodes` subresource a kubelet path is authorized as. */
export function kubeletSubresource(path: string): string {
  for (const [prefix, sub] of SUBRESOURCE_PATHS) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return sub;
  }
  return 'proxy';
}

export function kubeletRequestAttributes(user: UserInfo, method: string | undefined, path: string, nodeName: string): RequestAttributes {
  return {
    user, verb: kubeletVerb(method), resourceRequest: true, path,
    apiGroup: '', apiVersion: 'v1', resource: 'nodes', subresource: kubeletSubresource(path), namespace: '', name: nodeName,
  };
}

export type AccessResult = { ok: true; user: UserInfo } | { ok: false; code: 401 | 403 | 500; message: string };

/** Authenticates and authorizes one request; the refusal carries the kubelet's status and text. */
export async function checkAccess(auth: KubeletAuth, req: IncomingMessage, nodeName: string): Promise<AccessResult> {
  let user: UserInfo | null;
  try {
    user = await auth.authenticate(req);
  } catch {
    return { ok: false, code: 401, message: 'Unauthorized' };
  }
  if (!user) return { ok: false, code: 401, message: 'Unauthorized' };
  const path = new URL(req.url ?? '/', 'http://kubelet').pathname;
  const attrs = kubeletRequestAttributes(user, req.method, path, nodeName);
  const who = `user=${user.username}, verb=${attrs.verb}, resource=${attrs.resource}, subresource=${attrs.subresource}`;
  let decision: { allowed: boolean; reason?: string };
  try {
    decision = await auth.authorize(attrs);
  } catch {
    return { ok: false, code: 500, message: `Authorization error (${who})` };
  }
  if (!decision.allowed) return { ok: false, code: 403, message: `Forbidden (${who})` };
  return { ok: true, user };
}

// User impersonation (Kubernetes' WithImpersonation filter), as a wrapper around the real
// authenticator: when a request carries Impersonate-User / Impersonate-Group / Impersonate-Uid /
// Impersonate-Extra-<key> headers, the authenticated user must be allowed the `impersonate` verb on
// each (users, groups, serviceaccounts, uids, userextras/<key>), and the request then runs as the
// impersonated user. Refusals are 403 with Kubernetes' text.
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../../machinery/errors.js';
import type { Authenticator, Authorizer, RequestAttributes, UserInfo } from '../auth/types.js';
import { forbiddenMessage } from '../auth/request-attributes.js';
import { SA_PREFIX } from './rbac-index.js';

function headerList(req: IncomingMessage, name: string): string[] {
  const v = req.headers[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
}

export function impersonatingAuthenticator(inner: Authenticator, authorizer: () => Authorizer | undefined): Authenticator {
  return {
    async authenticate(req: IncomingMessage): Promise<UserInfo | null> {
      const user = await inner.authenticate(req);
      const asUser = req.headers['impersonate-user'];
      const asGroups = headerList(req, 'impersonate-group');
      const asUid = req.headers['impersonate-uid'];
      const extraHeaders = Object.keys(req.headers).filter((h) => h.startsWith('impersonate-extra-'));
      if (asUser === undefined && !asGroups.length && asUid === undefined && !extraHeaders.length) return user;
      if (typeof asUser !== 'string' || !asUser) {
        throw new ApiError(500, 'InternalError', 'Internal error occurred: requested impersonation of groups or extra without a user');
      }
      if (!user) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      // The impersonator holds system:authenticated like any authenticated user.
      const actor = user.groups.includes('system:authenticated') ? user : { ...user, groups: [...user.groups, 'system:authenticated'] };
      const z = authorizer();
      const check = async (a: Omit<RequestAttributes, 'user' | 'verb' | 'resourceRequest' | 'path' | 'apiVersion' | 'subresource'> & { subresource?: string }) => {
        if (!z) return;
        const attrs: RequestAttributes = { user: actor, verb: 'impersonate', resourceRequest: true, path: '', apiVersion: '', subresource: '', ...a };
        const d = await z.authorize(attrs);
        if (!d.allowed) throw new ApiError(403, 'Forbidden', forbiddenMessage(attrs, d.reason), { name: a.name, group: a.apiGroup || undefined, kind: a.resource });
      };

      const groups = [...asGroups];
      const extra: Record<string, string[]> = {};
      if (asUser.startsWith(SA_PREFIX)) {
        const rest = asUser.slice(SA_PREFIX.length);
        const i = rest.indexOf(':');
        const ns = i > 0 ? rest.slice(0, i) : '';
        const name = i > 0 ? rest.slice(i + 1) : rest;
        await check({ apiGroup: '', resource: 'serviceaccounts', namespace: ns, name });
        // An impersonated ServiceAccount carries its groups unless groups are given.
        if (!asGroups.length) groups.push('system:serviceaccounts', `system:serviceaccounts:${ns}`);
      } else {
        await check({ apiGroup: '', resource: 'users', namespace: '', name: asUser });
      }
      for (const g of asGroups) await check({ apiGroup: '', resource: 'groups', namespace: '', name: g });
      if (typeof asUid === 'string' && asUid) await check({ apiGroup: 'authentication.k8s.io', resource: 'uids', namespace: '', name: asUid });
      for (const h of extraHeaders) {
        const key = decodeURIComponent(h.slice('impersonate-extra-'.length));
        const values = headerList(req, h);
        for (const v of values) await check({ apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: key, namespace: '', name: v });
        extra[key] = values;
      }
      // Kubernetes adds system:authenticated to every impersonated user but system:anonymous.
      if (asUser !== 'system:anonymous' && !groups.includes('system:authenticated')) groups.push('system:authenticated');
      const out: UserInfo = { username: asUser, groups };
      if (typeof asUid === 'string' && asUid) out.uid = asUid;
      if (Object.keys(extra).length) out.extra = extra;
      return out;
    },
  };
}

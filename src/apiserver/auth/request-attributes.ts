// Kubernetes' RequestInfo: the verb, resource and scope a request is about, which is what
// authorization rules, admission and the audit log speak in.
import type { Route } from '../router.js';
import type { RequestAttributes, UserInfo } from './types.js';

function isWatch(route: Route, query: URLSearchParams): boolean {
  const w = query.get('watch');
  return route.watchPrefix || w === 'true' || w === '1';
}

/** The resource verb for a request routed to an API resource. */
export function resourceVerb(method: string, route: Route, query: URLSearchParams): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (isWatch(route, query)) return 'watch';
      return route.name === undefined ? 'list' : 'get';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return route.name === undefined ? 'deletecollection' : 'delete';
    default: return method.toLowerCase();
  }
}

export function resourceAttributes(user: UserInfo, method: string, path: string, route: Route, query: URLSearchParams): RequestAttributes {
  const def = route.r.def;
  if (route.bindings) {
    return {
      user, verb: 'create', resourceRequest: true, path, apiGroup: '', apiVersion: 'v1',
      resource: 'bindings', subresource: '', namespace: route.namespace ?? '', name: '',
    };
  }
  return {
    user,
    verb: resourceVerb(method, route, query),
    resourceRequest: true,
    path,
    apiGroup: def.group,
    apiVersion: def.version,
    resource: def.plural,
    subresource: route.subresource ?? '',
    // A namespace object's own name is its namespace, as Kubernetes' RequestInfo has it.
    namespace: route.namespace ?? (def.group === '' && def.plural === 'namespaces' && route.name ? route.name : ''),
    name: route.name ?? '',
  };
}

export function pathAttributes(user: UserInfo, method: string, path: string): RequestAttributes {
  return {
    user, verb: method.toLowerCase(), resourceRequest: false, path,
    apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '',
  };
}

/** Kubernetes' 403 text: `pods "x" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "ns"`. */
export function forbiddenMessage(a: RequestAttributes, reason?: string): string {
  let msg: string;
  if (!a.resourceRequest) {
    msg = `forbidden: User "${a.user.username}" cannot ${a.verb} path "${a.path}"`;
  } else {
    const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
    const subject = a.name ? `${qualified} "${a.name}"` : qualified;
    msg = `${subject} is forbidden: User "${a.user.username}" cannot ${a.verb} resource "${res}" in API group "${a.apiGroup}"`;
    msg += a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  }
  if (reason) msg += `: ${reason}`;
  return msg;
}

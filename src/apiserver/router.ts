// Maps a URL path to the resource it names: /api/v1/... and /apis/{group}/{version}/..., with
// collection, item and subresource forms, namespaced or cluster-wide.
import type { ServerContext, ServedResource } from './context.js';
import { errors } from '../machinery/errors.js';

export interface Route {
  r: ServedResource;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The deprecated /watch/ path prefix was used. */
  watchPrefix: boolean;
  /** POST namespaces/{ns}/bindings (the scheduler's top-level binding form). */
  bindings?: boolean;
}

export type RouteResult = Route | 'not-found' | null;

/** null: not an API resource path at all (let other routes try); 'not-found': an API path we do not serve. */
export function routeRequest(ctx: ServerContext, pathname: string): RouteResult {
  const segs: string[] = [];
  // Most paths have nothing percent-encoded: no decoding to do (nor to fail).
  const encoded = pathname.includes('%');
  for (const s of pathname.split('/')) {
    if (s === '') continue;
    if (!encoded) {
      segs.push(s);
      continue;
    }
    try {
      segs.push(decodeURIComponent(s));
    } catch {
      throw errors.badRequest(`malformed path: ${pathname}`);
    }
  }
  let group: string, version: string, rest: string[];
  if (segs[0] === 'api' && segs.length >= 2) {
    group = '';
    version = segs[1]!;
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 3) {
    group = segs[1]!;
    version = segs[2]!;
    rest = segs.slice(3);
  } else {
    return null;
  }
  if (rest.length === 0) return null; // discovery documents
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  const find = (plural: string) => ctx.byPath.get(`${group}/${version}/${plural}`);
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    // Bindings are never stored: POSTing one assigns the named pod to a node.
    if (group === '' && rest[2] === 'bindings' && rest.length === 3 && ctx.pods) {
      return { r: ctx.pods, namespace: rest[1], watchPrefix, bindings: true };
    }
    const r = find(rest[2]!);
    if (r && r.def.namespaced) {
      if (rest.length > 5) return 'not-found';
      return { r, namespace: rest[1], name: rest[3], subresource: rest[4], watchPrefix };
    }
    if (rest.length > 3) return 'not-found';
  }
  const r = find(rest[0]!);
  if (!r) return 'not-found';
  if (rest.length > 3) return 'not-found';
  // A namespaced resource without a namespace in the path is only listable/watchable across all.
  return { r, name: rest[1], subresource: rest[2], watchPrefix };
}

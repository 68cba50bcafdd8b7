// Discovery: /api, /apis, /api/v1, /apis/{group}, /apis/{group}/{version}. kubectl reads these
// before every command to map "po" to pods and a Kind to its path. /api and /apis answer in the
// aggregated form when the Accept header offers it (one round trip), in the legacy form otherwise.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceDef } from '../../api/resource.js';
import { cachedBody, isReadMethod, sendCached, type CachedBody, type RouteFn } from '../static-response.js';
import { apiGroupDiscoveryList, apiGroupDoc, apiGroupList, apiResourceList, apiVersions, type AggregatedVersion } from './documents.js';
import { groupResources } from './groups.js';
import { aggregatedContentType, negotiateAggregated } from './negotiate.js';
import { DEFAULT_POD_SUBRESOURCES } from './subresources.js';

export { groupResources, compareKubeVersions, type ApiGroup, type GroupVersionResources } from './groups.js';
export { subresourcesOf, verbsOf, DEFAULT_VERBS, DEFAULT_POD_SUBRESOURCES, type PodSubresource, type SubresourceInfo, type GroupVersionKind } from './subresources.js';
export { negotiateAggregated } from './negotiate.js';

const JSON_TYPE = 'application/json';

/**
 * Route function for the discovery paths; returns true when it answered. `/api` and `/apis` always
 * exist (kubectl fails when either is 404), even with no resources in them.
 */
export interface DiscoveryOptions {
  /** The pods subresources the server serves besides those ResourceDefs declare (default: attach, exec, log, portforward). */
  podSubresources?: readonly string[];
}

export function discoveryRoutes(resources: ResourceDef[], opts: DiscoveryOptions = {}): RouteFn {
  const podSubs = opts.podSubresources ?? DEFAULT_POD_SUBRESOURCES;
  const groups = groupResources(resources);
  const core = groups.filter((g) => g.name === '');
  const named = groups.filter((g) => g.name !== '');

  const aggregated = (list: typeof groups, v: AggregatedVersion) => cachedBody(JSON.stringify(apiGroupDiscoveryList(list, v, podSubs)), aggregatedContentType(v));
  const apiAgg = { v2: aggregated(core, 'v2'), v2beta1: aggregated(core, 'v2beta1') };
  const apisAgg = { v2: aggregated(named, 'v2'), v2beta1: aggregated(named, 'v2beta1') };
  const apisLegacy = cachedBody(JSON.stringify(apiGroupList(named)), JSON_TYPE);

  // Per-path fixed documents: /api/v1, /apis/{g}, /apis/{g}/{v}.
  const fixed = new Map<string, CachedBody>();
  for (const g of groups) {
    if (g.name) fixed.set(`/apis/${g.name}`, cachedBody(JSON.stringify(apiGroupDoc(g)), JSON_TYPE));
    for (const gv of g.versions) {
      const path = g.name ? `/apis/${gv.groupVersion}` : `/api/${gv.version}`;
      fixed.set(path, cachedBody(JSON.stringify(apiResourceList(gv, podSubs)), JSON_TYPE));
    }
  }
  const apiLegacyByAddress = new Map<string, CachedBody>();

  return (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    if (!isReadMethod(req)) return false;
    const pathname = url.pathname; // a getter that builds a new string on every read
    const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
    // The answer depends on Accept; caches between us and the client must know.
    if (path === '/api' || path === '/apis') {
      res.setHeader('Vary', 'Accept');
      const v = negotiateAggregated(req.headers.accept);
      if (v) {
        sendCached(req, res, (path === '/api' ? apiAgg : apisAgg)[v]);
      } else if (path === '/apis') {
        sendCached(req, res, apisLegacy);
      } else {
        const address = req.headers.host ?? `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? ''}`;
        let doc = apiLegacyByAddress.get(address);
        if (!doc) {
          doc = cachedBody(JSON.stringify(apiVersions(address)), JSON_TYPE);
          if (apiLegacyByAddress.size < 16) apiLegacyByAddress.set(address, doc);
        }
        sendCached(req, res, doc);
      }
      return true;
    }
    const doc = fixed.get(path);
    if (!doc) return false;
    sendCached(req, res, doc);
    return true;
  };
}

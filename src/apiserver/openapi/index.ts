// OpenAPI: /openapi/v3 (an index of per group-version documents at hashed URLs) and the tiny
// /openapi/v2 protobuf document kubectl 1.27/1.28 insist on. kubectl caches a hashed document
// for good (Cache-Control: public, immutable), so the hash changes whenever the document does.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceDef } from '../../api/resource.js';
import { groupResources, type GroupVersionResources } from '../discovery/index.js';
import { cachedBody, isReadMethod, sendCached, sendNotFound, sendText, type CachedBody, type RouteFn } from '../static-response.js';
import { groupVersionDocument } from './document.js';
import { swaggerV2Protobuf } from './v2.js';
import { GIT_VERSION } from '../system/version.js';

export { groupVersionDocument } from './document.js';
export { SchemaCollector } from './schema-render.js';
export { swaggerV2Protobuf } from './v2.js';

interface GroupVersionDoc {
  doc: CachedBody;
  hash: string;
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** Key in the /openapi/v3 index: "api/v1", "apis/apps/v1". */
function indexKey(gv: GroupVersionResources): string {
  return gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
}

export interface OpenApiOptions {
  now?: () => number;
  /** The pods subresources served besides declared ones, as given to discoveryRoutes. */
  podSubresources?: readonly string[];
}

export function openapiRoutes(resources: ResourceDef[], opts: OpenApiOptions = {}): RouteFn {
  const now = opts.now ?? Date.now;
  const gvs = groupResources(resources).flatMap((g) => g.versions);
  // Documents are rendered on first use: most processes (and kubectl runs) never ask.
  let docs: Map<string, GroupVersionDoc> | undefined;
  let index: CachedBody | undefined;
  const build = () => {
    if (docs) return;
    docs = new Map();
    for (const gv of gvs) {
      const json = JSON.stringify(groupVersionDocument(gv, opts.podSubresources));
      const hash = createHash('sha512').update(json).digest('hex').toUpperCase();
      docs.set(indexKey(gv), { doc: cachedBody(json, 'application/json'), hash });
    }
    const paths = Object.fromEntries([...docs].map(([key, d]) => [key, { serverRelativeURL: `/openapi/v3/${key}?hash=${d.hash}` }]));
    index = cachedBody(JSON.stringify({ paths }), 'application/json');
  };
  const v2 = cachedBody(swaggerV2Protobuf(GIT_VERSION), 'application/octet-stream');

  return (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    const pathname = url.pathname; // a getter that builds a new string on every read
    const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
    if (path === '/openapi/v2' || path === '/swagger-2.0.0.pb-v1') {
      if (!isReadMethod(req)) return false;
      // Only the protobuf form exists; a JSON-only client gets 404 rather than an empty spec it would trust.
      const accept = req.headers.accept ?? '';
      if (accept.includes('application/json') && !accept.includes('protobuf') && !accept.includes('*/*')) {
        sendNotFound(res);
        return true;
      }
      sendCached(req, res, v2, { 'Cache-Control': 'no-cache, private' });
      return true;
    }
    if (path !== '/openapi/v3' && !path.startsWith('/openapi/v3/')) return false;
    if (!isReadMethod(req)) return false;
    build();
    if (path === '/openapi/v3') {
      sendCached(req, res, index!, { 'Cache-Control': 'no-cache, private' });
      return true;
    }
    const entry = docs!.get(path.slice('/openapi/v3/'.length));
    if (!entry) {
      sendNotFound(res);
      return true;
    }
    const asked = url.searchParams.get('hash');
    if (asked === null) {
      sendCached(req, res, entry.doc, { 'Cache-Control': 'no-cache, private' });
    } else if (asked === entry.hash) {
      sendCached(req, res, entry.doc, {
        'Cache-Control': 'public, immutable',
        Expires: new Date(now() + YEAR_MS).toUTCString(),
      });
    } else {
      // An old hash (the client cached an index from before a change): send it to the current one.
      sendText(res, 301, 'text/plain', '', { Location: `${path}?hash=${entry.hash}`, 'Cache-Control': 'no-cache, private' });
    }
    return true;
  };
}

// The k8ts API server: node:http with no framework, the Kubernetes REST API over a Store.
// Fixed documents (discovery, OpenAPI, /version, health) are route functions tried first; then
// resource paths are routed to the REST handlers. Every failure is answered as a Status.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import type { TSchema } from '@sinclair/typebox';
import type { ResourceDef } from '../api/resource.js';
import { apiVersionOf } from '../api/resource.js';
import { allResources } from '../api/registry.js';
import type { Store } from '../storage/types.js';
import { realClock, type Clock } from '../machinery/clock.js';
import { errors } from '../machinery/errors.js';
import type { ResourceHooks } from './hooks.js';
import type { RequestContext, ServerContext, ServedResource, Logger } from './context.js';
import { writeError } from './http.js';
import { routeRequest, type Route } from './router.js';
import { WatchCache } from './watchcache/cache.js';
import { resourcePrefix } from './storage/keys.js';
import { decodeProtobufBody } from './protobuf/decode.js';
import { discoveryRoutes } from './discovery/index.js';
import { openapiRoutes } from './openapi/index.js';
import type { RouteFn } from './static-response.js';
import { Registry } from 'prom-client';
import { systemRoutes, apiserverMetrics, observeRequest, watchStarted, type ApiserverMetrics } from './system/index.js';
import {
  handleGet, handleList, handleCreate, handleUpdate, handlePatch, handleDelete, handleDeleteCollection,
  handleScale, handleBinding,
} from './rest/handlers.js';
import { bootstrapNamespaces, SYSTEM_NAMESPACES, writeObject } from './rest/bootstrap.js';
import { createServiceHooks, createServiceAllocators, rebuild, type ServiceAllocatorOptions, type ServiceAllocators } from './registry/service-hooks.js';
import { storeClaims, type AllocationClaims } from './registry/allocation-claims.js';
import { ensureKubernetesService } from './bootstrap/kubernetes-service.js';
import { ensureSystemPriorityClasses } from './bootstrap/priority-classes.js';
import { ensureBootstrapPolicy } from './authz/bootstrap/ensure.js';
import { authorizationApiHooks } from './authz/reviews.js';
import { createPodAdmissionHooks } from './admission/pod-admission.js';
import { handlePodLog, handlePodUpgrade } from './rest/pod-streams.js';
import { handleEviction } from './registry/pod-eviction.js';
import { DEFAULT_POD_SUBRESOURCES } from './discovery/index.js';
import type { KubeObject } from '../api/resource.js';
import { randomUUID } from 'node:crypto';
import type { SecurityOptions, UserInfo, Decision, RequestAttributes } from './auth/types.js';
import { authenticate, authorize } from './auth/pipeline.js';
import { csrHooks } from './certificates/approval.js';
import { requesterAdmission } from './certificates/requester.js';
import { resourceAttributes, pathAttributes } from './auth/request-attributes.js';
import { ApiError } from '../machinery/errors.js';
import { encryptingStore } from './encryption/store.js';
import type { EncryptionConfig } from './encryption/config.js';

export interface ApiServerOptions {
  store: Store;
  resources?: ResourceDef[];
  /** Side-effect hooks by "plural.group" (or "plural" for core). */
  hooks?: Record<string, ResourceHooks>;
  clock?: Clock;
  random?: () => number;
  log?: Logger;
  /** Routes tried before resource routing (health, /version, logs/exec...); true = handled. */
  routes?: RouteFn[];
  /** Milliseconds between watch BOOKMARK events (default 60 s). */
  bookmarkIntervalMs?: number;
  /** Namespaces created at start (default: default, kube-system, kube-public, kube-node-lease). */
  namespaces?: string[];
  /** Bytes a watcher may have queued before it is closed as too slow (default 16 MiB). */
  maxWatchBufferBytes?: number;
  /** Watch cache history bounds (defaults: at least 5 min or 5000 events, at most 50000). */
  watchCache?: { maxAgeMs?: number; minEvents?: number; maxEvents?: number };
  /** Prometheus registry for /metrics (default: a fresh one). */
  metrics?: Registry;
  /** Service ClusterIP/NodePort allocation (when no `services` hook is given); false turns it off. */
  serviceAllocation?: ServiceAllocatorOptions | false;
  /** Write the `kubernetes` Service and its Endpoints on listen (default true when Services are served). */
  kubernetesService?: boolean | { apiAddress?: string };
  /** Authentication, authorization, admission and audit; absent: every request is system:admin. */
  security?: SecurityOptions;
  /** Encryption at rest (--encryption-provider-config, from loadEncryptionConfig); absent: values stored as they are. */
  encryption?: EncryptionConfig;
  /** Reach kubelets over HTTPS (pods/log, exec, attach, portforward): ca verifies them, cert+key identify this server. */
  kubeletClient?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /**
   * Serve HTTPS with this certificate and key. With clientCA the server asks for a client
   * certificate but lets a connection without one (or with a bad one) through: the x509
   * authenticator judges it, so token and anonymous requests still connect.
   */
  tls?: { cert: Buffer | string; key: Buffer | string; clientCA?: Buffer | string };
}

export interface ApiServer {
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
  ready: Promise<void>;
  /** The node:http server (for upgrade handlers). */
  server: Server;
  /** Creates the object, or updates it unconditionally when it exists, through the REST rules. */
  writeObject(obj: KubeObject): Promise<KubeObject>;
  /** The served resources and their watch caches (what authorizers built before the server index). */
  readonly ctx: ServerContext;
}

export const DEFAULT_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** pods/eviction is served (registry/pod-eviction.ts), so discovery lists it and kubectl drain evicts. */
const SERVED_POD_SUBRESOURCES = [...DEFAULT_POD_SUBRESOURCES, 'eviction'];

function jsonLogger(): Logger {
  return (msg, fields) => {
    process.stderr.write(JSON.stringify({ ts: new Date().toISOString(), component: 'apiserver', msg, ...fields }) + '\n');
  };
}

export function createApiServer(opts: ApiServerOptions): ApiServer {
  const clock = opts.clock ?? realClock;
  const log = opts.log ?? jsonLogger();
  const defs = opts.resources ?? allResources();
  const store = opts.encryption ? encryptingStore(opts.store, opts.encryption, defs) : opts.store;
  const hooks: Record<string, ResourceHooks> = { ...(opts.hooks ?? {}) };
  let serviceAlloc: ServiceAllocators | null = null;
  let serviceClaims: AllocationClaims | null = null;
  let repairTimer: NodeJS.Timeout | null = null;
  if (!hooks.services && opts.serviceAllocation !== false && defs.some((d) => d.group === '' && d.plural === 'services')) {
    serviceAlloc = createServiceAllocators(opts.serviceAllocation || {});
    // Claimed in the store as well, so that API servers sharing a datastore never hand out a value twice.
    serviceClaims = storeClaims(opts.store, log);
    hooks.services = createServiceHooks(serviceAlloc, serviceClaims);
  }
  // Access reviews are answered, never stored.
  for (const [k, h] of Object.entries(authorizationApiHooks())) hooks[k] ??= h;
  const byPath = new Map<string, ServedResource>();
  const byKind = new Map<string, ServedResource>();
  if (!hooks['certificatesigningrequests.certificates.k8s.io']) hooks['certificatesigningrequests.certificates.k8s.io'] = csrHooks();
  if (!hooks.pods && defs.some((d) => d.group === 'scheduling.k8s.io' && d.plural === 'priorityclasses')) {
    // Read lazily: the PriorityClass cache exists only once every resource is served.
    hooks.pods = createPodAdmissionHooks(() =>
      (byPath.get('scheduling.k8s.io/v1/priorityclasses')?.cache.snapshot().items ?? []).map((c) => c.obj as never));
  }
  for (const def of defs) {
    const qualified = def.group ? `${def.plural}.${def.group}` : def.plural;
    const served: ServedResource = {
      def,
      hooks: hooks[qualified],
      apiVersion: apiVersionOf(def),
      qualified,
      prefix: resourcePrefix(def),
      cache: new WatchCache(store, resourcePrefix(def), { clock, log, ...opts.watchCache }),
    };
    byPath.set(`${def.group}/${def.version}/${def.plural}`, served);
    byKind.set(`${served.apiVersion}/${def.kind}`, served);
  }
  // Several versions of one resource share one store prefix and so one watch cache.
  const cacheByPrefix = new Map<string, WatchCache>();
  for (const s of byPath.values()) {
    const c = cacheByPrefix.get(s.prefix);
    if (c) s.cache = c; else cacheByPrefix.set(s.prefix, s.cache);
  }
  const ctx: ServerContext = {
    store,
    clock,
    log,
    byPath,
    byKind,
    namespaces: byPath.get('/v1/namespaces'),
    pods: byPath.get('/v1/pods'),
    protobuf: decodeProtobufBody,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
    freshnessTimeoutMs: 3000,
    random: opts.random ?? Math.random,
    maxWatchBufferBytes: opts.maxWatchBufferBytes ?? 16 * 1024 * 1024,
    schemaFor: (apiVersion: string, kind: string): TSchema | undefined => byKind.get(`${apiVersion}/${kind}`)?.def.schema,
    // The server's own record of who asked comes first, so no plugin can be fooled about it.
    security: opts.security ? { ...opts.security, admission: [requesterAdmission(), ...(opts.security.admission ?? [])] } : undefined,
    kubeletClient: opts.kubeletClient,
  };

  const registry = opts.metrics ?? new Registry();
  const metrics = apiserverMetrics(registry, {
    countObjects: () => {
      const out: Record<string, number> = {};
      for (const s of byPath.values()) out[s.qualified] = s.cache.snapshot().items.length;
      return out;
    },
  });
  let isReady = false;
  let closingFlag = false;
  const routes: RouteFn[] = [
    systemRoutes({ ready: () => isReady && !closingFlag, metrics: registry }),
    ...(opts.routes ?? []),
    discoveryRoutes(defs, { podSubresources: SERVED_POD_SUBRESOURCES }),
    openapiRoutes(defs, { podSubresources: SERVED_POD_SUBRESOURCES }),
  ];

  const ready = (async () => {
    const watched = new Set([...byPath.values()].filter((s) => (s.def.verbs ?? DEFAULT_VERBS).some((v) => v === 'list' || v === 'watch')).map((s) => s.cache));
    await Promise.all([...watched].map((c) => c.start()));
    const services = byPath.get('/v1/services');
    if (serviceAlloc && services) {
      // Allocations live in memory; the stored Services are the record to rebuild them from.
      const stored = () => services.cache.snapshot().items.map((c) => c.obj);
      for (const p of rebuild(serviceAlloc, stored())) log('service allocation conflict', { ...p });
      if (serviceClaims) {
        await serviceClaims.start(serviceAlloc, stored());
        // Kubernetes' allocator repair runs every 3 minutes.
        repairTimer = setInterval(() => { serviceClaims!.repair(stored()).catch((err: unknown) => log('service allocation repair failed', { err: String(err) })); }, 180_000);
        repairTimer.unref();
      }
    }
    if (ctx.namespaces) await bootstrapNamespaces(ctx, opts.namespaces ?? SYSTEM_NAMESPACES);
    await ensureSystemPriorityClasses(ctx);
    await ensureBootstrapPolicy(ctx);
    isReady = true;
  })();
  ready.catch((err) => log('api server failed to start', { err: String(err) }));

  const onRequest = (req: IncomingMessage, res: ServerResponse) => { void handle(ctx, routes, req, res, metrics); };
  const server: Server = opts.tls
    ? createHttpsServer({
      keepAliveTimeout: 65_000, cert: opts.tls.cert, key: opts.tls.key,
      ...(opts.tls.clientCA ? { ca: opts.tls.clientCA, requestCert: true, rejectUnauthorized: false } : {}),
    }, onRequest) as unknown as Server
    : createServer({ keepAliveTimeout: 65_000 }, onRequest);
  // Upgrade requests (pods/exec over SPDY or WebSocket) are spliced to the pod's kubelet.
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    void upgradeAllowed(ctx, req, socket).then((ok) => (ok ? handlePodUpgrade(ctx, req, socket, head) : true)).then((handled) => {
      if (!handled && !socket.destroyed) socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
  });
  server.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  let closing: Promise<void> | null = null;
  return {
    server,
    ready,
    async listen(port: number, host = '127.0.0.1'): Promise<number> {
      await ready;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const bound = (server.address() as AddressInfo).port;
      const services = byPath.get('/v1/services');
      if (serviceAlloc && services && opts.kubernetesService !== false) {
        const apiAddress = typeof opts.kubernetesService === 'object' ? opts.kubernetesService.apiAddress : undefined;
        try {
          await ensureKubernetesService({
            clusterIP: serviceAlloc.ips.firstAddress(), apiPort: bound, apiAddress,
            endpointSlice: byPath.has('discovery.k8s.io/v1/endpointslices'),
          }, async (obj) => { await writeObject(ctx, obj); });
        } catch (err) {
          log('could not write the kubernetes Service', { err: String(err) });
        }
      }
      return bound;
    },
    writeObject: (obj: KubeObject) => writeObject(ctx, obj),
    ctx,
    close(): Promise<void> {
      if (!closing) {
        closingFlag = true;
        closing = (async () => {
          if (repairTimer) clearInterval(repairTimer);
          serviceClaims?.stop();
          for (const c of cacheByPrefix.values()) c.close();
          await new Promise<void>((resolve) => {
            if (!server.listening) { resolve(); return; }
            server.close(() => resolve());
            server.closeIdleConnections();
            for (const s of sockets) s.destroy();
          });
          await ready.catch(() => undefined);
        })();
      }
      return closing;
    },
  };
}

/** Kubernetes' request verb for metrics (LIST, WATCH, APPLY... as kube-apiserver names them). */
function metricVerb(method: string, route: Route, query: URLSearchParams, contentType: string | undefined): string {
  const watch = route.watchPrefix || query.get('watch') === 'true' || query.get('watch') === '1';
  if (method === 'GET') return watch ? 'WATCH' : route.name === undefined ? 'LIST' : 'GET';
  if (method === 'DELETE' && route.name === undefined) return 'DELETECOLLECTION';
  if (method === 'PATCH' && contentType?.startsWith('application/apply-patch')) return 'APPLY';
  return method;
}

function observe(metrics: ApiserverMetrics, req: IncomingMessage, res: ServerResponse, route: Route, query: URLSearchParams, started: number): void {
  const verb = metricVerb(req.method ?? 'GET', route, query, req.headers['content-type']);
  const def = route.r.def;
  const scope = route.name !== undefined ? 'resource' : route.namespace !== undefined ? 'namespace' : 'cluster';
  let stopWatch: (() => void) | null = null;
  if (verb === 'WATCH') stopWatch = watchStarted(metrics, { group: def.group, version: def.version, kind: def.kind });
  const done = () => {
    stopWatch?.();
    observeRequest(metrics, {
      verb, resource: def.plural, group: def.group, version: def.version, subresource: route.subresource ?? '', scope,
      code: res.statusCode, seconds: (performance.now() - started) / 1000, dryRun: query.has('dryRun'),
    });
  };
  res.once('close', done);
}

/** The first path segment that is "." or ".." (also percent-encoded), or null. */
function dotSegment(rawUrl: string): string | null {
  const q = rawUrl.indexOf('?');
  const path = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
  // Most paths have no dot at all, plain or percent-encoded ("%2e"): nothing to split.
  if (!path.includes('.') && !path.includes('%')) return null;
  for (const seg of path.split('/')) {
    const d = seg.replace(/%2e/gi, '.');
    if (d === '.' || d === '..') return d;
  }
  return null;
}

async function handle(ctx: ServerContext, routes: RouteFn[], req: IncomingMessage, res: ServerResponse, metrics: ApiserverMetrics): Promise<void> {
  const started = performance.now();
  const audit = ctx.security?.audit ? startAudit(ctx.security, req, res) : null;
  let url: URL;
  try {
    // URL parsing would resolve "." and ".." segments ("pods/.." becoming the namespace itself);
    // Kubernetes takes them as names and refuses them.
    const dots = dotSegment(req.url ?? '/');
    if (dots !== null) {
      req.resume();
      writeError(res, errors.badRequest(`Name parameter invalid: ${JSON.stringify(dots)}: may not be '${dots}'`));
      return;
    }
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    writeError(res, errors.badRequest('malformed request URL'));
    return;
  }
  const warnings: string[] = [];
  try {
    let user: UserInfo | undefined;
    let attrs: RequestAttributes | undefined;
    let route: ReturnType<typeof routeRequest> | undefined;
    if (ctx.security) {
      // Credentials are checked before anything is served, discovery and health included.
      user = await authenticate(ctx.security, req);
      if (audit) audit.user = user;
      route = routeRequest(ctx, url.pathname);
      const target = route && route !== 'not-found' ? route : null;
      const asker = user;
      const authz = await authorize(ctx.security, asker, req, url, target).catch((err: unknown) => {
        // A refusal is audited with what was asked and the decision (authorize throws before returning them).
        if (audit && err instanceof ApiError && err.code === 403) {
          const method = req.method ?? 'GET';
          audit.attrs = target ? resourceAttributes(asker, method, url.pathname, target, url.searchParams) : pathAttributes(asker, method, url.pathname);
          audit.decision = { allowed: false };
        }
        throw err;
      });
      attrs = authz.attrs;
      if (audit) { audit.attrs = attrs; audit.decision = authz.decision; }
    }
    for (const r of routes) if (r(req, res, url)) return;
    if (route === undefined) route = routeRequest(ctx, url.pathname);
    if (route === null || route === 'not-found') {
      req.resume();
      throw errors.pathNotFound();
    }
    observe(metrics, req, res, route, url.searchParams, started);
    const rc: RequestContext = {
      ctx, req, res, url, query: url.searchParams, r: route.r,
      namespace: route.namespace, name: route.name, subresource: route.subresource, warnings, user, attrs,
    };
    if (audit) audit.rc = rc;
    await dispatch(rc, route, req.method ?? 'GET');
  } catch (err) {
    req.resume();
    writeError(res, err, warnings, ctx.log);
  }
}

interface AuditState {
  user?: UserInfo;
  attrs?: RequestAttributes;
  decision?: Decision;
  /** The request, once routed: its body (read by the handler) is the audit event's requestObject. */
  rc?: RequestContext;
}

/** The request body as an object for Request-level audit events (JSON bodies only; protobuf is not decoded here). */
function auditRequestObject(rc: RequestContext | undefined): unknown {
  const body = rc?.body;
  if (!body?.length || body.length > 1 << 20) return undefined;
  try { return JSON.parse(body.toString('utf8')); } catch { return undefined; }
}

/** Tags the response with an Audit-Id and hands the finished request to the audit sink. */
function startAudit(sec: SecurityOptions, req: IncomingMessage, res: ServerResponse): AuditState {
  const state: AuditState = {};
  const auditID = (req.headers['audit-id'] as string | undefined) ?? randomUUID();
  const received = Date.now();
  res.setHeader('Audit-Id', auditID);
  res.once('close', () => {
    const fwd = req.headers['x-forwarded-for'];
    const sourceIPs = [...(typeof fwd === 'string' ? fwd.split(',').map((s) => s.trim()).filter(Boolean) : []), req.socket.remoteAddress ?? ''].filter(Boolean);
    sec.audit!.record({
      auditID, user: state.user ?? null, attrs: state.attrs ?? null, verb: state.attrs?.verb ?? (req.method ?? 'GET').toLowerCase(),
      requestURI: req.url ?? '/', sourceIPs, userAgent: req.headers['user-agent'], code: res.statusCode,
      received, completed: Date.now(), decision: state.decision, requestObject: auditRequestObject(state.rc),
      ...(state.rc?.auditAnnotations && Object.keys(state.rc.auditAnnotations).length ? { annotations: state.rc.auditAnnotations } : {}),
    });
  });
  return state;
}

/** Authentication and authorization for upgrade requests (exec, attach, port-forward); refusals are answered on the socket. */
async function upgradeAllowed(ctx: ServerContext, req: IncomingMessage, socket: Socket): Promise<boolean> {
  if (!ctx.security) return true;
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const user = await authenticate(ctx.security, req);
    const route = routeRequest(ctx, url.pathname);
    await authorize(ctx.security, user, req, url, route && route !== 'not-found' ? route : null);
    return true;
  } catch (err) {
    const e = err instanceof ApiError ? err : errors.badRequest(String(err));
    const body = JSON.stringify(e.toStatus());
    const text = e.code === 401 ? 'Unauthorized' : e.code === 403 ? 'Forbidden' : 'Bad Request';
    if (!socket.destroyed) socket.end(`HTTP/1.1 ${e.code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    return false;
  }
}

function allowed(r: ServedResource, verb: string): void {
  const verbs = r.def.verbs ?? DEFAULT_VERBS;
  if (!verbs.includes(verb)) throw errors.methodNotAllowed();
}

async function dispatch(rc: RequestContext, route: Route, method: string): Promise<void> {
  const { r } = rc;
  const def = r.def;
  const isWatch = route.watchPrefix || rc.query.get('watch') === 'true' || rc.query.get('watch') === '1';
  if (route.watchPrefix) rc.query.set('watch', 'true');
  if (route.bindings) {
    if (method !== 'POST') throw errors.methodNotAllowed();
    await handleBinding(rc, undefined);
    return;
  }
  if (def.namespaced && rc.namespace === undefined && rc.name !== undefined) throw errors.pathNotFound();
  if (rc.name === undefined) {
    switch (method) {
      case 'GET':
        allowed(r, isWatch ? 'watch' : 'list');
        await handleList(rc);
        return;
      case 'POST':
        allowed(r, 'create');
        if (def.namespaced && rc.namespace === undefined) throw errors.methodNotAllowed();
        await handleCreate(rc);
        return;
      case 'DELETE':
        allowed(r, 'deletecollection');
        await handleDeleteCollection(rc);
        return;
      default:
        throw errors.methodNotAllowed();
    }
  }
  const sub = rc.subresource;
  if (sub === undefined) {
    switch (method) {
      case 'GET':
        if (isWatch) {
          allowed(r, 'watch');
          await handleList(rc);
          return;
        }
        allowed(r, 'get');
        await handleGet(rc);
        return;
      case 'PUT': allowed(r, 'update'); await handleUpdate(rc); return;
      case 'PATCH': allowed(r, 'patch'); await handlePatch(rc); return;
      case 'DELETE': allowed(r, 'delete'); await handleDelete(rc); return;
      default: throw errors.methodNotAllowed();
    }
  }
  if (sub === 'status' && def.subresources?.status) {
    switch (method) {
      case 'GET': await handleGet(rc); return;
      case 'PUT': await handleUpdate(rc); return;
      case 'PATCH': await handlePatch(rc); return;
      default: throw errors.methodNotAllowed();
    }
  }
  if (sub === 'scale' && def.subresources?.scale) {
    if (method !== 'GET' && method !== 'PUT' && method !== 'PATCH') throw errors.methodNotAllowed();
    await handleScale(rc, method);
    return;
  }
  if (sub === 'binding' && (def.subresources?.binding || (def.group === '' && def.plural === 'pods'))) {
    if (method !== 'POST') throw errors.methodNotAllowed();
    await handleBinding(rc, rc.name);
    return;
  }
  if (sub === 'log' && r === rc.ctx.pods) {
    if (method !== 'GET') throw errors.methodNotAllowed();
    await handlePodLog(rc);
    return;
  }
  if ((sub === 'exec' || sub === 'attach' || sub === 'portforward') && r === rc.ctx.pods) {
    throw errors.badRequest('Upgrade request required');
  }
  if (sub === 'eviction' && r === rc.ctx.pods) {
    await handleEviction(rc, method);
    return;
  }
  const custom = r.hooks?.subresources?.[sub];
  if (custom) {
    await custom(rc, method);
    return;
  }
  if (sub === 'finalize' && def.group === '' && def.plural === 'namespaces') {
    if (method !== 'PUT') throw errors.methodNotAllowed();
    await handleUpdate(rc);
    return;
  }
  throw errors.pathNotFound();
}

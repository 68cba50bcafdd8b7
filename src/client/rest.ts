// The REST client every component other than the API server stands on: JSON over HTTP(S) with a
// keep-alive agent, a deadline on every request, Status answers turned into ApiError, and retries
// (exponential backoff with jitter, Retry-After honoured) only where a retry cannot do a write twice.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { KubeObject, ResourceDef } from '../api/resource.js';
import type { Status } from '../machinery/errors.js';
import { apiErrorFromResponse, ConnectionError } from './errors.js';
import { realClock, type Clock } from '../machinery/clock.js';
import { backoffDelay, parseRetryAfter, sleep } from './backoff.js';
import { loadKubeconfig } from './kubeconfig.js';
import { watchStream, type WatchStream } from './watch.js';

export interface RestClientOptions {
  /** Base URL of the API server, e.g. "https://10.0.0.1:6443". */
  server: string;
  token?: string;
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  insecureSkipTLSVerify?: boolean;
  userAgent?: string;
  clock?: Clock;
  random?: () => number;
  /** Retries after the first attempt (default 5). */
  /** Connections for requests (streams have their own); default MAX_REQUEST_SOCKETS. */
  maxRequestConnections?: number;
  maxRetries?: number;
  /** Deadline of one attempt in ms (default 30 s). */
  timeoutMs?: number;
  /** Backoff between retries (default 100 ms doubling to 5 s, with jitter). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Namespace used when a call names none (kubeconfig context's namespace; default "default"). */
  namespace?: string;
}

/** What the client needs to know about a resource: any ResourceDef fits. */
export type ResourceRef = Pick<ResourceDef, 'group' | 'version' | 'plural' | 'namespaced'>;

export function resourceRef(group: string, version: string, plural: string, namespaced = true): ResourceRef {
  return { group, version, plural, namespaced };
}

export interface ObjectList<T = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export type Selector = string | Record<string, string>;

export interface ListOptions {
  namespace?: string;
  labelSelector?: Selector;
  fieldSelector?: Selector;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: Selector;
  fieldSelector?: Selector;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  /** Server-side end of the watch (the server picks 30-60 minutes when unset). */
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

export interface WriteOptions {
  namespace?: string;
  dryRun?: boolean;
  fieldManager?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface PatchOptions extends WriteOptions {
  subresource?: string;
  /** Server-side apply: take fields owned by other managers. */
  force?: boolean;
}

export interface DeleteOptions {
  namespace?: string;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Set false to make exactly one attempt. */
  retry?: boolean;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export { apiErrorFromResponse, ConnectionError, isApiError, isNotFound, isConflict, isAlreadyExists, isExpired } from './errors.js';

function selectorString(s: Selector | undefined): string | undefined {
  if (s === undefined) return undefined;
  if (typeof s === 'string') return s || undefined;
  const parts = Object.entries(s).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(',') : undefined;
}

/** Connections one client uses for requests (not streams) at once. */
export const MAX_REQUEST_SOCKETS = 32;

/** The client's TLS material as one context; unreadable PEM is an error now, naming what is wrong. */
function secureContextOf(opts: RestClientOptions): tls.SecureContext {
  try {
    return tls.createSecureContext({ ca: opts.ca, cert: opts.cert, key: opts.key });
  } catch (err) {
    throw new Error(`invalid TLS material for ${opts.server} (certificate authority, client certificate or key): ${(err as Error).message}`);
  }
}

export class RestClient {
  readonly server: string;
  readonly namespace: string;
  /** Requests: at most MAX_REQUEST_SOCKETS connections, kept alive and reused. */
  private readonly agent: http.Agent;
  /** Watches and other streams, which hold their connection for as long as they last. */
  private readonly streamAgent: http.Agent;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;

  constructor(private readonly opts: RestClientOptions) {
    this.server = opts.server.replace(/\/+$/, '');
    this.namespace = opts.namespace ?? 'default';
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.maxRetries = opts.maxRetries ?? 5;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    // One TLS context for every connection of this client: given ca/cert/key, Node parses them into
    // a new context per connection (milliseconds each, and a client opens one per watch).
    const tlsOpts = this.server.startsWith('https:') ? { secureContext: secureContextOf(opts), rejectUnauthorized: !opts.insecureSkipTLSVerify } : null;
    const agent = (o: http.AgentOptions) => (tlsOpts ? new https.Agent({ ...o, ...tlsOpts }) : new http.Agent(o));
    // Requests share a bounded pool: a burst of them (a kubelet starting 30 pods) then waits for a
    // free connection instead of opening one each, every one a TLS handshake and a client
    // certificate for the server to verify. Streams get their own connections, so a client's
    // watches never hold its requests up.
    this.agent = agent({ keepAlive: true, maxSockets: opts.maxRequestConnections ?? MAX_REQUEST_SOCKETS });
    this.streamAgent = agent({ keepAlive: true });
    this.headers = { 'User-Agent': opts.userAgent ?? 'k8ts-client/0.1', Accept: 'application/json' };
    if (opts.token) this.headers.Authorization = `Bearer ${opts.token}`;
  }

  /** A client for the current context of a kubeconfig file. */
  static fromKubeconfig(path: string, overrides: Partial<RestClientOptions> = {}): RestClient {
    const k = loadKubeconfig(path);
    return new RestClient({ ...k, ...overrides });
  }

  /** Closes idle keep-alive connections; in-flight requests finish. */
  close(): void {
    this.agent.destroy();
    this.streamAgent.destroy();
  }

  /** "/api/v1/namespaces/ns/pods/name/status" and its relatives. */
  path(res: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
    let p = res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`;
    if (res.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
    p += `/${res.plural}`;
    if (name !== undefined) {
      if (!name) throw new Error(`a ${res.plural} name is required`);
      p += `/${encodeURIComponent(name)}`;
      if (subresource) p += `/${subresource}`;
    }
    return p;
  }

  private ns(res: ResourceRef, namespace: string | undefined, obj?: KubeObject): string | undefined {
    if (!res.namespaced) return undefined;
    return namespace ?? obj?.metadata.namespace ?? this.namespace;
  }

  get<T = KubeObject>(res: ResourceRef, name: string, opts: { namespace?: string; subresource?: string; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<T> {
    return this.request<T>('GET', this.path(res, this.ns(res, opts.namespace), name, opts.subresource), opts);
  }

  /** One page (or everything when no limit). A namespaced resource without namespace lists all namespaces. */
  list<T = KubeObject>(res: ResourceRef, opts: ListOptions = {}): Promise<ObjectList<T>> {
    return this.request<ObjectList<T>>('GET', this.path(res, opts.namespace), {
      timeoutMs: opts.timeoutMs, signal: opts.signal,
      query: {
        labelSelector: selectorString(opts.labelSelector), fieldSelector: selectorString(opts.fieldSelector),
        limit: opts.limit, continue: opts.continue, resourceVersion: opts.resourceVersion, resourceVersionMatch: opts.resourceVersionMatch,
      },
    });
  }

  /** Follows continue tokens; every page comes from the first page's snapshot. */
  async listAll<T = KubeObject>(res: ResourceRef, opts: ListOptions & { pageSize?: number } = {}): Promise<ObjectList<T>> {
    const first = await this.list<T>(res, { ...opts, limit: opts.pageSize ?? opts.limit });
    const items = [...first.items];
    let cont = first.metadata.continue;
    while (cont) {
      const page = await this.list<T>(res, { ...opts, resourceVersion: undefined, resourceVersionMatch: undefined, limit: opts.pageSize ?? opts.limit, continue: cont });
      items.push(...page.items);
      cont = page.metadata.continue;
    }
    return { ...first, metadata: { resourceVersion: first.metadata.resourceVersion }, items };
  }

  create<T extends KubeObject>(res: ResourceRef, obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.request<T>('POST', this.path(res, this.ns(res, opts.namespace, obj)), { body: obj, query: writeQuery(opts), timeoutMs: opts.timeoutMs, signal: opts.signal });
  }

  /** PUT; the object's resourceVersion makes it a compare-and-swap (409 Conflict when stale). */
  update<T extends KubeObject>(res: ResourceRef, obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.put(res, obj, undefined, opts);
  }

  updateStatus<T extends KubeObject>(res: ResourceRef, obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.put(res, obj, 'status', opts);
  }

  private put<T extends KubeObject>(res: ResourceRef, obj: T, sub: string | undefined, opts: WriteOptions): Promise<T> {
    const name = obj.metadata.name;
    if (!name) throw new Error('update needs metadata.name');
    return this.request<T>('PUT', this.path(res, this.ns(res, opts.namespace, obj), name, sub), { body: obj, query: writeQuery(opts), timeoutMs: opts.timeoutMs, signal: opts.signal });
  }

  patch<T = KubeObject>(res: ResourceRef, name: string, type: PatchType, body: unknown, opts: PatchOptions = {}): Promise<T> {
    if (type === 'apply' && !opts.fieldManager) throw new Error('server-side apply needs a fieldManager');
    const query = { ...writeQuery(opts), force: opts.force };
    return this.request<T>('PATCH', this.path(res, this.ns(res, opts.namespace), name, opts.subresource), {
      body: typeof body === 'string' ? body : JSON.stringify(body), contentType: PATCH_CONTENT_TYPES[type], query, timeoutMs: opts.timeoutMs, signal: opts.signal,
    });
  }

  /** Returns what the server answers: the object (when finalizers delay deletion) or a Status. */
  delete<T = KubeObject | Status>(res: ResourceRef, name: string, opts: DeleteOptions = {}): Promise<T> {
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (opts.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
    if (opts.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
    if (opts.preconditions) body.preconditions = opts.preconditions;
    if (opts.dryRun) body.dryRun = ['All'];
    return this.request<T>('DELETE', this.path(res, this.ns(res, opts.namespace), name), { body, timeoutMs: opts.timeoutMs, signal: opts.signal });
  }

  /** Opens a watch; resolves once the server has answered with 200 (a non-2xx answer rejects with ApiError). */
  async watch<T = KubeObject>(res: ResourceRef, opts: WatchOptions = {}): Promise<WatchStream<T>> {
    const query = {
      watch: 'true', labelSelector: selectorString(opts.labelSelector), fieldSelector: selectorString(opts.fieldSelector),
      resourceVersion: opts.resourceVersion, allowWatchBookmarks: opts.allowWatchBookmarks, sendInitialEvents: opts.sendInitialEvents,
      timeoutSeconds: opts.timeoutSeconds,
    };
    const { req, res: response } = await this.open('GET', this.path(res, opts.namespace), { query, signal: opts.signal }, true);
    return watchStream<T>(req, response);
  }

  /** Any request; JSON bodies are encoded, JSON answers decoded. Retries per the rules above. */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const retries = opts.retry === false ? 0 : this.maxRetries;
    for (let attempt = 0; ; attempt++) {
      let delay: number | undefined;
      try {
        const { res, text } = await this.once(method, path, opts);
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300) return (text ? JSON.parse(text) : undefined) as T;
        const err = apiErrorFromResponse(code, text);
        const retryable = code === 429 || (code >= 500 && IDEMPOTENT.has(method));
        if (!retryable || attempt >= retries) throw err;
        const after = parseRetryAfter(res.headers['retry-after'], this.clock.now()) ?? err.details?.retryAfterSeconds;
        delay = after !== undefined ? Math.min(after * 1000, 60_000) : undefined;
      } catch (err) {
        if (!(err instanceof ConnectionError)) throw err;
        // A refused connection never reached the server: safe to retry any verb.
        const safe = err.code === 'ECONNREFUSED' || IDEMPOTENT.has(method);
        if (!safe || attempt >= retries || opts.signal?.aborted) throw err;
      }
      delay ??= backoffDelay(attempt, { initialMs: this.opts.backoffInitialMs ?? 100, maxMs: this.opts.backoffMaxMs ?? 5000, jitter: 0.5, random: this.random });
      if (!(await sleep(this.clock, delay, opts.signal))) throw new ConnectionError(`${method} ${path}: aborted`, 'ABORT_ERR');
    }
  }

  private async once(method: string, path: string, opts: RequestOptions): Promise<{ res: http.IncomingMessage; text: string }> {
    const { req, res } = await this.open(method, path, opts, false);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ res, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => reject(new ConnectionError(`${method} ${path}: ${e.message}`, (e as NodeJS.ErrnoException).code)));
      req.on('error', (e) => reject(new ConnectionError(`${method} ${path}: ${e.message}`, (e as NodeJS.ErrnoException).code)));
    });
  }

  /** Sends the request; resolves with the response head. The deadline covers the whole body unless `stream`. */
  private open(method: string, path: string, opts: RequestOptions, stream: boolean): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...this.headers, ...opts.headers };
    let data: string | Buffer | undefined;
    if (opts.body !== undefined) {
      data = typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(data));
    }
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, { method, headers, agent: stream ? this.streamAgent : this.agent });
      // Network deadlines run on real time whatever clock is injected: sockets do not follow a fake clock.
      const timer = setTimeout(() => req.destroy(Object.assign(new Error(`deadline of ${timeoutMs} ms exceeded`), { code: 'ETIMEDOUT' })), timeoutMs);
      const clear = () => clearTimeout(timer);
      const onAbort = () => req.destroy(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => { clear(); opts.signal?.removeEventListener('abort', onAbort); });
      req.on('error', (e) => { clear(); reject(new ConnectionError(`${method} ${url.pathname}: ${e.message}`, (e as NodeJS.ErrnoException).code)); });
      req.on('response', (res) => {
        if (stream && (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) clear();
        if (stream && (res.statusCode ?? 0) >= 300) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => { clear(); reject(apiErrorFromResponse(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))); });
          return;
        }
        resolve({ req, res });
      });
      if (opts.signal?.aborted) onAbort();
      req.end(data);
    });
  }
}

function writeQuery(o: WriteOptions): Record<string, string | undefined> {
  return { dryRun: o.dryRun ? 'All' : undefined, fieldManager: o.fieldManager };
}

// What every handler is given: the served resources, the store, the clock, and per-request facts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TSchema } from '@sinclair/typebox';
import type { ResourceDef, KubeObject } from '../api/resource.js';
import type { Store } from '../storage/types.js';
import type { Clock } from '../machinery/clock.js';
import type { ResourceHooks } from './hooks.js';
import type { WatchCache } from './watchcache/cache.js';
import type { ProtobufDecoder } from './decode/index.js';
import type { SecurityOptions, UserInfo, RequestAttributes } from './auth/types.js';

export interface ServedResource {
  def: ResourceDef;
  hooks?: ResourceHooks;
  /** "v1", "apps/v1". */
  apiVersion: string;
  /** "pods", "deployments.apps": what error messages name. */
  qualified: string;
  prefix: string;
  cache: WatchCache;
}

export interface Logger {
  (msg: string, fields?: Record<string, unknown>): void;
}

export interface ServerContext {
  store: Store;
  clock: Clock;
  log: Logger;
  /** By "group/version/plural" ("" group for core: "/v1/pods"). */
  byPath: Map<string, ServedResource>;
  /** By "apiVersion/Kind" ("v1/Pod", "apps/v1/Deployment"). */
  byKind: Map<string, ServedResource>;
  namespaces?: ServedResource;
  pods?: ServedResource;
  protobuf?: ProtobufDecoder;
  /** Seconds between BOOKMARK events on watches that asked for them. */
  bookmarkIntervalMs: number;
  /** Lists and watches wait this long for the cache to reach a requested resourceVersion. */
  freshnessTimeoutMs: number;
  random: () => number;
  /** Bytes a watcher may have queued before it is judged too slow and closed. */
  maxWatchBufferBytes: number;
  schemaFor(apiVersion: string, kind: string): TSchema | undefined;
  /** Authentication, authorization, admission and audit (absent: everyone is system:admin). */
  security?: SecurityOptions;
  /** How the pods/log, exec, attach and portforward proxy reaches kubelets: HTTPS with this client identity; absent: plain HTTP. */
  kubeletClient?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

export interface RequestContext {
  ctx: ServerContext;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  query: URLSearchParams;
  r: ServedResource;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Texts for `Warning: 299 - "..."` headers. */
  warnings: string[];
  body?: Buffer;
  /** Who is asking (set by the authentication step; absent for the server's own writes). */
  user?: UserInfo;
  /** What authorization was asked about this request. */
  attrs?: RequestAttributes;
  /** Annotations admission adds for this request's audit event (PodSecurity's audit mode). */
  auditAnnotations?: Record<string, string>;
}

export type Obj = KubeObject;

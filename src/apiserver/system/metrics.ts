// The API server's Prometheus metrics, named and labelled as kube-apiserver's so existing
// dashboards and alerts read them unchanged.
//
// How the REST core reports (one call per finished request; watches report when they end):
//   const m = apiserverMetrics(registry);
//   observeRequest(m, { verb: 'LIST', group: '', version: 'v1', resource: 'pods', scope: 'namespace', code: 200, seconds: 0.004 });
//   const done = watchStarted(m, { group: 'apps', version: 'v1', kind: 'Deployment' }); ... done();
//   setStorageObjects(m, 'pods', 1234);  // or pass countObjects to apiserverMetrics and it is read at scrape time
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ApiserverMetrics {
  requests: Counter<string>;
  duration: Histogram<string>;
  watchers: Gauge<string>;
  storageObjects: Gauge<string>;
}

/** One finished request. verb is Kubernetes' request verb in upper case: GET, LIST, WATCH, POST, PUT, PATCH, APPLY, DELETE, DELETECOLLECTION, CONNECT. */
export interface RequestObservation {
  verb: string;
  resource: string;
  code: number;
  /** Wall time from request received to last byte (for WATCH: to the end of the stream). */
  seconds: number;
  group?: string;
  version?: string;
  subresource?: string;
  /** 'resource' (one object), 'namespace', 'cluster', or '' for non-resource paths. */
  scope?: string;
  dryRun?: boolean;
}

const DURATION_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

export interface MetricsOptions {
  /** Read at scrape time: object counts per resource ("pods", "deployments.apps"). */
  countObjects?: () => Record<string, number> | Promise<Record<string, number>>;
}

export function apiserverMetrics(registry: Registry, opts: MetricsOptions = {}): ApiserverMetrics {
  const storageObjects = new Gauge({
    name: 'apiserver_storage_objects',
    help: 'Number of stored objects at the time of last check split by kind.',
    labelNames: ['resource'],
    registers: [registry],
    async collect() {
      if (!opts.countObjects) return;
      const counts = await opts.countObjects();
      for (const [resource, n] of Object.entries(counts)) this.set({ resource }, n);
    },
  });
  return {
    requests: new Counter({
      name: 'apiserver_request_total',
      help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
      labelNames: ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component', 'code'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'apiserver_request_duration_seconds',
      help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
      labelNames: ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    watchers: new Gauge({
      name: 'apiserver_registered_watchers',
      help: 'Number of currently registered watchers for a given resources',
      labelNames: ['group', 'version', 'kind'],
      registers: [registry],
    }),
    storageObjects,
  };
}

/** The labelled children of one label set (without code), bound once: prom-client checks and hashes labels on every unbound call. */
interface Series {
  duration: { observe(v: number): void };
  byCode: Map<number, { inc(v?: number): void }>;
  labels: Record<string, string>;
}

/** Series by metrics object, then by the label values joined: a server sees few distinct label sets. */
const seriesCache = new WeakMap<ApiserverMetrics, Map<string, Series>>();

/** Records one finished request in apiserver_request_total and apiserver_request_duration_seconds. */
export function observeRequest(m: ApiserverMetrics, r: RequestObservation): void {
  const verb = r.verb.toUpperCase();
  const dryRun = r.dryRun ? 'All' : '';
  const group = r.group ?? '';
  const version = r.version ?? '';
  const subresource = r.subresource ?? '';
  const scope = r.scope ?? '';
  let byKey = seriesCache.get(m);
  if (!byKey) {
    byKey = new Map();
    seriesCache.set(m, byKey);
  }
  // \0 cannot occur in any of these values (verbs, API groups and versions, resource names).
  const key = `${verb}\0${dryRun}\0${group}\0${version}\0${r.resource}\0${subresource}\0${scope}`;
  let s = byKey.get(key);
  if (!s) {
    const labels = { verb, dry_run: dryRun, group, version, resource: r.resource, subresource, scope, component: 'apiserver' };
    s = { duration: m.duration.labels(labels), byCode: new Map(), labels };
    byKey.set(key, s);
  }
  let counter = s.byCode.get(r.code);
  if (!counter) {
    counter = m.requests.labels({ ...s.labels, code: String(r.code) });
    s.byCode.set(r.code, counter);
  }
  counter.inc();
  s.duration.observe(r.seconds);
}

/** Counts an open watch in apiserver_registered_watchers; call the returned function once when it ends. */
export function watchStarted(m: ApiserverMetrics, gvk: { group: string; version: string; kind: string }): () => void {
  m.watchers.inc(gvk);
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    m.watchers.dec(gvk);
  };
}

export function setStorageObjects(m: ApiserverMetrics, resource: string, count: number): void {
  m.storageObjects.set({ resource }, count);
}

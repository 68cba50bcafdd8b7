// The API server's own endpoints: /version, /healthz, /livez, /readyz, /metrics.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { cachedBody, isReadMethod, sendCached, sendText, type RouteFn } from '../static-response.js';
import { runChecks, type HealthCheck } from './health.js';
import { versionInfo, type VersionInfo } from './version.js';

export { apiserverMetrics, observeRequest, watchStarted, setStorageObjects, type ApiserverMetrics, type RequestObservation, type MetricsOptions } from './metrics.js';
export { versionInfo, GIT_VERSION, KUBE_MAJOR, KUBE_MINOR, type VersionInfo } from './version.js';
export type { HealthCheck } from './health.js';

export interface SystemOptions {
  /** Readiness: false while starting (store not open, caches not primed) and once shutting down. */
  ready(): boolean;
  metrics: Registry;
  /** More checks for /healthz and /readyz (e.g. the store's ping). */
  checks?: HealthCheck[];
  version?: Partial<VersionInfo>;
}

export function systemRoutes(opts: SystemOptions): RouteFn {
  const version = cachedBody(JSON.stringify(versionInfo(opts.version), null, 2), 'application/json');
  const ping: HealthCheck = { name: 'ping', check: () => true };
  const log: HealthCheck = { name: 'log', check: () => true };
  const readiness: HealthCheck = { name: 'readiness', check: () => opts.ready() };
  const extra = opts.checks ?? [];
  const endpoints: Record<string, HealthCheck[]> = {
    '/livez': [ping, log, ...extra],
    '/healthz': [ping, log, ...extra],
    '/readyz': [ping, log, ...extra, readiness],
  };

  return (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    if (!isReadMethod(req)) return false;
    const path = url.pathname;
    if (path === '/version' || path === '/version/') {
      sendCached(req, res, version);
      return true;
    }
    if (path === '/metrics') {
      opts.metrics.metrics().then(
        (text) => sendText(res, 200, opts.metrics.contentType, text),
        (err) => sendText(res, 500, 'text/plain; charset=utf-8', `metrics collection failed: ${err instanceof Error ? err.message : String(err)}\n`),
      );
      return true;
    }
    for (const [endpoint, checks] of Object.entries(endpoints)) {
      if (path !== endpoint && !path.startsWith(endpoint + '/')) continue;
      const answer = runChecks(endpoint, checks, url);
      if (!answer) return false;
      sendText(res, answer.code, 'text/plain; charset=utf-8', answer.body, { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache, private' });
      return true;
    }
    return false;
  };
}

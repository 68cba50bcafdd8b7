// HTTP watches: a chunked stream of JSON lines fed by the resource's watch cache. Headers are
// flushed at once (kubectl wait/rollout hang otherwise); selectors are applied per watcher with
// Kubernetes' transitions (an object leaving the selector is DELETED for this watcher); a watcher
// that cannot keep up is closed rather than buffered without bound.
import type { KubeObject } from '../../api/resource.js';
import { errors } from '../../machinery/errors.js';
import type { RequestContext } from '../context.js';
import { objectJson, TooOldError, type CacheEvent, type CacheWatcher, type EventType, type CachedObject } from '../watchcache/cache.js';
import type { ListParams } from './list-options.js';
import { pinnedName } from './list-options.js';
import { scopePrefix } from './reads.js';
import { tableRow, columnDefinitions, partialMetadata, type Output } from './table.js';


export async function serveWatch(rc: RequestContext, p: ListParams, out: Output): Promise<void> {
  const { r, ctx, res, req } = rc;
  await r.cache.start();
  const prefix = scopePrefix(rc, p);
  const pinned = pinnedName(p.fieldReqs);
  const pinnedKey = pinned !== undefined && (!r.def.namespaced || prefix !== r.prefix) ? prefix + pinned : undefined;
  const rvParam = p.resourceVersion;
  const fromRv = rvParam && rvParam !== '0' ? Number(rvParam) : null;
  const sendInitial = p.sendInitialEvents ?? fromRv === null;

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  res.socket?.setNoDelay(true);

  let first = true;
  let closed = false;
  let lastRv = fromRv ?? r.cache.rv;
  const timers: { cancel(): void }[] = [];
  let unregister: (() => void) | null = null;

  const finish = () => {
    if (closed) return;
    closed = true;
    unregister?.();
    for (const t of timers) t.cancel();
    if (!res.writableEnded) res.end();
  };
  req.on('close', finish);
  res.on('close', finish);

  const write = (line: string | Buffer) => {
    if (closed) return;
    res.write(line);
    if (res.writableLength > ctx.maxWatchBufferBytes) {
      ctx.log('closing slow watcher', { resource: r.qualified, buffered: res.writableLength });
      closed = true;
      unregister?.();
      for (const t of timers) t.cancel();
      res.destroy();
    }
  };

  const encodeObj = (type: string, c: CachedObject): string => {
    if (out.as === 'object') return `{"type":"${type}","object":${objectJson(c)}}\n`;
    if (out.as === 'PartialObjectMetadata') return `{"type":"${type}","object":${JSON.stringify(partialMetadata(c.obj, out.version))}}\n`;
    const t = {
      kind: 'Table', apiVersion: `meta.k8s.io/${out.version}`, metadata: { resourceVersion: c.obj.metadata.resourceVersion },
      columnDefinitions: first ? columnDefinitions(r.def) : [],
      rows: [tableRow(r.def, c.obj, out.includeObject, ctx.clock.now(), out.version)],
    };
    return `{"type":"${type}","object":${JSON.stringify(t)}}\n`;
  };

  const encodingKey = out.as === 'object' ? 'json' : out.as === 'Table' ? `table:${out.version}:${out.includeObject}` : `pom:${out.version}`;
  const emit = (type: EventType, ev: CacheEvent) => {
    // Table rows carry ages: encode per event, but share across watchers when no first-event columns differ.
    if (out.as === 'Table' && first) {
      write(encodeObj(type, ev.cur));
      first = false;
      return;
    }
    first = false;
    const k = `${encodingKey}:${type}`;
    let enc = ev.encoded?.get(k);
    if (enc === undefined) {
      enc = Buffer.from(encodeObj(type, ev.cur));
      (ev.encoded ??= new Map()).set(k, enc);
    }
    write(enc);
  };

  const matches = (obj: KubeObject | undefined, key: string): boolean => {
    if (!obj) return false;
    if (pinnedKey !== undefined) { if (key !== pinnedKey) return false; }
    else if (!key.startsWith(prefix)) return false;
    return !p.filter || p.filter(obj);
  };

  const watcher: CacheWatcher = {
    deliver(ev) {
      if (closed) return;
      lastRv = ev.rv;
      if (pinnedKey !== undefined ? ev.key !== pinnedKey : !ev.key.startsWith(prefix)) return;
      if (!p.filter) { emit(ev.type, ev); return; }
      const now = matches(ev.cur.obj, ev.key);
      if (ev.type === 'ADDED') { if (now) emit('ADDED', ev); return; }
      if (ev.type === 'DELETED') { if (matches(ev.prev?.obj ?? ev.cur.obj, ev.key)) emit('DELETED', ev); return; }
      const before = matches(ev.prev?.obj, ev.key);
      if (before && now) emit('MODIFIED', ev);
      else if (before) emit('DELETED', ev);
      else if (now) emit('ADDED', ev);
    },
    terminate() { finish(); },
  };

  try {
    if (fromRv === null) {
      // No resourceVersion: the current state as ADDED events, then every change after it.
      const snap = pinnedKey !== undefined ? { items: [r.cache.get(pinnedKey)].filter((x): x is CachedObject => !!x), rv: r.cache.rv } : r.cache.snapshot(prefix);
      lastRv = r.cache.rv;
      if (sendInitial) {
        for (const c of snap.items) {
          if (!p.filter || p.filter(c.obj)) write(encodeObj('ADDED', c)), (first = false);
        }
        if (p.sendInitialEvents && p.allowWatchBookmarks) write(bookmark(lastRv, true));
      }
      unregister = r.cache.watch(lastRv, watcher);
    } else {
      unregister = r.cache.watch(fromRv, watcher);
      lastRv = Math.max(lastRv, fromRv);
    }
  } catch (err) {
    if (err instanceof TooOldError) {
      const st = errors.expired(err.message).toStatus();
      write(`{"type":"ERROR","object":${JSON.stringify(st)}}\n`);
      finish();
      return;
    }
    finish();
    throw err;
  }

  function bookmark(rv: number, initialEnd = false): string {
    const meta: Record<string, unknown> = { resourceVersion: String(rv) };
    if (initialEnd) meta.annotations = { 'k8s.io/initial-events-end': 'true' };
    return `{"type":"BOOKMARK","object":${JSON.stringify({ kind: r.def.kind, apiVersion: r.apiVersion, metadata: meta })}}\n`;
  }

  // timeoutSeconds unset or 0: kube-apiserver's default, a random 30-60 minutes (spreads reconnects).
  const timeoutMs = p.timeoutSeconds ? p.timeoutSeconds * 1000 : (30 + ctx.random() * 30) * 60_000;
  timers.push(ctx.clock.setTimeout(finish, timeoutMs));
  if (p.allowWatchBookmarks) {
    let next: { cancel(): void } | null = null;
    const tick = () => {
      if (closed) return;
      lastRv = Math.max(lastRv, r.cache.rv);
      write(bookmark(lastRv));
      next = ctx.clock.setTimeout(tick, ctx.bookmarkIntervalMs);
    };
    next = ctx.clock.setTimeout(tick, ctx.bookmarkIntervalMs);
    timers.push({ cancel: () => next?.cancel() });
  }
}

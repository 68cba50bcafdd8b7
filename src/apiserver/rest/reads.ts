// GET and LIST with Kubernetes' resourceVersion semantics: unset = the latest (read from the
// store), "0" = any (the watch cache), N = not older than N, Exact = the snapshot at N; paged with
// limit/continue over one consistent store snapshot.
import type { KubeObject } from '../../api/resource.js';
import { errors } from '../../machinery/errors.js';
import { isStoreError } from '../../storage/types.js';
import type { RequestContext } from '../context.js';
import { decodeKv } from '../storage/codec.js';
import { storedObjectJsonParts } from '../storage/stored-json.js';
import type { KeyValue } from '../../storage/types.js';
import { objectKey } from '../storage/keys.js';
import { objectJson, type CachedObject } from '../watchcache/cache.js';
import { decodeContinue, encodeContinue, CONTINUE_EXPIRED_MESSAGE } from './continue-token.js';
import { type ListParams, pinnedName, pinnedNamespace } from './list-options.js';

export interface ListResult {
  /** Items as objects, or pre-encoded JSON (from the cache) where available. */
  items: { obj: KubeObject; json?: string; jsonParts?: readonly Buffer[] }[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export async function getObject(rc: RequestContext, name: string): Promise<{ obj: KubeObject; json?: string }> {
  const { r, ctx } = rc;
  const key = objectKey(r.def, rc.namespace, name);
  const rv = rc.query.get('resourceVersion');
  if (rv === '0') {
    const c = r.cache.get(key);
    if (c) return { obj: c.obj, json: objectJson(c) };
  }
  const got = await ctx.store.get(key);
  if (!got.kv) throw errors.notFound(r.def.plural, name, r.def.group);
  return new StoredItem(got.kv);
}

/** The key prefix a list covers: one namespace, or every namespace. */
export function scopePrefix(rc: RequestContext, p: ListParams): string {
  const ns = rc.namespace ?? (rc.r.def.namespaced ? pinnedNamespace(p.fieldReqs) : undefined);
  return rc.r.def.namespaced && ns ? `${rc.r.prefix}${ns}/` : rc.r.prefix;
}

export async function listObjects(rc: RequestContext, p: ListParams): Promise<ListResult> {
  const { r, ctx } = rc;
  const prefix = scopePrefix(rc, p);
  if (p.continueToken) {
    const tok = decodeContinue(p.continueToken);
    const startAfter = r.prefix + (tok.start.endsWith('\u0000') ? tok.start.slice(0, -1) : tok.start);
    if (!startAfter.startsWith(prefix)) throw errors.badRequest('continue key is not valid: the key does not belong to this list');
    return listFromStore(rc, p, prefix, tok.rv, startAfter, true);
  }
  const rv = p.resourceVersion;
  if (rv === null || rv === '') return listFromStore(rc, p, prefix, undefined, undefined, false);
  const n = Number(rv);
  // Exact: the snapshot at N. So is a paged list at N with no match given (Kubernetes' legacy rule).
  if (p.resourceVersionMatch === 'Exact' || (!p.resourceVersionMatch && n > 0 && p.limit > 0)) return listFromStore(rc, p, prefix, n, undefined, false);
  // "0" (any) and NotOlderThan: the watch cache, once it has caught up with N.
  if (n === 0 || !p.limit) {
    await r.cache.start();
    if (n > r.cache.rv) {
      const fresh = await r.cache.waitUntilFresh(n, 50);
      if (!fresh) {
        const current = await ctx.store.currentRevision();
        if (n > current) {
          const caught = await r.cache.waitUntilFresh(n, ctx.freshnessTimeoutMs);
          if (!caught && n > (await ctx.store.currentRevision())) throw errors.timeout(`Too large resource version: ${n}, current: ${current}`);
        }
        if (r.cache.rv < n) return listFromStore(rc, p, prefix, undefined, undefined, false);
      }
    }
    return listFromCache(rc, p, prefix);
  }
  const current = await ctx.store.currentRevision();
  if (n > current) throw errors.timeout(`Too large resource version: ${n}, current: ${current}`);
  return listFromStore(rc, p, prefix, undefined, undefined, false);
}

function listFromCache(rc: RequestContext, p: ListParams, prefix: string): ListResult {
  const { r } = rc;
  const name = pinnedName(p.fieldReqs);
  let src: CachedObject[];
  if (name !== undefined && (!r.def.namespaced || prefix !== r.prefix)) {
    const c = r.cache.get(prefix + name);
    src = c ? [c] : [];
  } else {
    src = r.cache.snapshot(prefix).items;
  }
  const rv = r.cache.rv;
  const items: ListResult['items'] = [];
  for (const c of src) {
    if (p.filter && !p.filter(c.obj)) continue;
    items.push({ obj: c.obj, json: objectJson(c) });
  }
  return { items, resourceVersion: String(rv) };
}

async function listFromStore(rc: RequestContext, p: ListParams, prefix: string, revision: number | undefined, startAfter: string | undefined, isContinue: boolean): Promise<ListResult> {
  const { r, ctx } = rc;
  const items: ListResult['items'] = [];
  let rev = revision;
  let after = startAfter;
  const limit = p.limit;
  for (;;) {
    let page;
    try {
      const want = limit ? Math.max(limit - items.length, p.filter ? Math.min(limit * 2, 1000) : 0) : 0;
      page = await ctx.store.list(prefix, { limit: want || undefined, startAfter: after, revision: rev });
    } catch (err) {
      if (isStoreError(err, 'Compacted')) {
        if (isContinue) throw errors.expired(CONTINUE_EXPIRED_MESSAGE);
        throw errors.expired(`The resourceVersion for the provided list is too old.`);
      }
      if (isStoreError(err, 'FutureRevision')) throw errors.timeout(`Too large resource version: ${rev}`);
      throw err;
    }
    rev = page.revision;
    for (let i = 0; i < page.kvs.length; i++) {
      const kv = page.kvs[i]!;
      const item = new StoredItem(kv);
      if (p.filter && !p.filter(item.obj)) continue;
      items.push(item);
      if (limit && items.length >= limit) {
        const more = i < page.kvs.length - 1 || page.more;
        if (more) return { items, resourceVersion: String(rev), continue: encodeContinue(rev, kv.key.slice(r.prefix.length)) };
        return { items, resourceVersion: String(rev) };
      }
    }
    if (!page.more || page.kvs.length === 0) break;
    after = page.kvs[page.kvs.length - 1]!.key;
  }
  return { items, resourceVersion: String(rev ?? (await ctx.store.currentRevision())) };
}

/**
 * An object read from the store. Its JSON is spliced from the stored bytes (stored-json.ts) and
 * it is decoded only if someone asks for the object (a selector, a Table): a plain list of 10,000
 * pods then never parses or re-encodes one.
 */
class StoredItem {
  private decoded: KubeObject | undefined;
  private parts: [Buffer, Buffer, Buffer] | undefined | null = null;

  constructor(private readonly kv: KeyValue) {}

  get obj(): KubeObject {
    return (this.decoded ??= decodeKv(this.kv));
  }

  get jsonParts(): readonly Buffer[] | undefined {
    if (this.parts === null) this.parts = storedObjectJsonParts(this.kv);
    return this.parts;
  }

  get json(): string | undefined {
    const parts = this.jsonParts;
    return parts && Buffer.concat(parts).toString('utf8');
  }
}

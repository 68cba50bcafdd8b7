// Building patches from (original, modified) pairs, as controllers do before a PATCH: a JSON merge
// patch (RFC 7386) and a two-way strategic merge patch that uses the type's patch metadata (merge
// keys) so a list item added by someone else is not wiped out by our write.
import type { TSchema } from '@sinclair/typebox';
import { fieldSchema, itemSchema, patchMeta, schemaNode, type SchemaNode } from '../machinery/patch/schema-meta.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** RFC 7386: the merge patch turning `original` into `modified` (removed keys become null, lists are replaced). */
export function createMergePatch(original: object, modified: object): Obj {
  return diffMaps(original as Obj, modified as Obj, undefined, false);
}

/**
 * The two-way strategic merge patch turning `original` into `modified` for a type with `schema`.
 * Lists with patch strategy "merge" are diffed item by item (merge key, or set of scalars) with
 * `$patch: delete`, `$deleteFromPrimitiveList/` and `$setElementOrder/` directives; other lists
 * are replaced. Without a schema this is the JSON merge patch.
 */
export function createStrategicMergePatch(original: object, modified: object, schema?: TSchema): Obj {
  return diffMaps(original as Obj, modified as Obj, schemaNode(schema), !!schema);
}

function diffMaps(a: Obj, b: Obj, s: SchemaNode | undefined, strategic: boolean): Obj {
  const out: Obj = {};
  for (const k of Object.keys(a)) if (!Object.prototype.hasOwnProperty.call(b, k)) out[k] = null;
  for (const k of Object.keys(b)) {
    const bv = b[k];
    if (!Object.prototype.hasOwnProperty.call(a, k)) { out[k] = bv; continue; }
    const av = a[k];
    if (deepEqual(av, bv)) continue;
    const fs = strategic ? fieldSchema(s, k) : undefined;
    if (isObj(av) && isObj(bv)) {
      const meta = strategic ? patchMeta(fs) : undefined;
      if (meta?.strategy === 'replace') { out[k] = bv; continue; }
      const d = diffMaps(av, bv, fs, strategic);
      if (Object.keys(d).length) out[k] = d;
      continue;
    }
    if (strategic && Array.isArray(av) && Array.isArray(bv)) {
      const meta = patchMeta(fs);
      if (meta.strategy === 'merge') {
        Object.assign(out, meta.mergeKey ? diffKeyedList(k, av, bv, meta.mergeKey, itemSchema(fs)) : diffPrimitiveList(k, av, bv));
        continue;
      }
    }
    out[k] = bv;
  }
  return out;
}

function diffKeyedList(field: string, a: unknown[], b: unknown[], mk: string, is: SchemaNode | undefined): Obj {
  const keyOf = (x: unknown) => (isObj(x) ? JSON.stringify(x[mk]) : undefined);
  const before = new Map<string, Obj>();
  for (const x of a) { const key = keyOf(x); if (key !== undefined) before.set(key, x as Obj); }
  const after = new Set<string>();
  const items: unknown[] = [];
  for (const x of b) {
    const key = keyOf(x);
    if (key === undefined) { items.push(x); continue; }
    after.add(key);
    const old = before.get(key);
    if (!old) { items.push(x); continue; }
    const d = diffMaps(old, x as Obj, is, true);
    if (Object.keys(d).length) items.push({ ...d, [mk]: (x as Obj)[mk] });
  }
  for (const [key, x] of before) if (!after.has(key)) items.push({ [mk]: x[mk], $patch: 'delete' });
  const out: Obj = {};
  if (items.length) out[field] = items;
  out[`$setElementOrder/${field}`] = b.filter(isObj).map((x) => ({ [mk]: x[mk] }));
  return out;
}

function diffPrimitiveList(field: string, a: unknown[], b: unknown[]): Obj {
  const has = (list: unknown[], v: unknown) => list.some((x) => deepEqual(x, v));
  const added = b.filter((x) => !has(a, x));
  const removed = a.filter((x) => !has(b, x));
  const out: Obj = {};
  if (added.length) out[field] = added;
  if (removed.length) out[`$deleteFromPrimitiveList/${field}`] = removed;
  out[`$setElementOrder/${field}`] = b;
  return out;
}

// Kubernetes strategic merge patch (application/strategic-merge-patch+json), driven by the type's
// schema: lists carrying x-kubernetes-patch-strategy "merge" merge by their merge key (or as a set
// of scalars), other lists are replaced, maps merge, null deletes. Directives: `$patch`
// (replace | merge | delete, on a map or as a list item), `$setElementOrder/<list>`, `$retainKeys`,
// `$deleteFromPrimitiveList/<list>`. Semantics follow apimachinery's strategicpatch (server side:
// parallel lists are merged, unmatched nulls ignored), including its ordering rules: items already
// in the live list keep their relative order, new items are placed before them unless
// $setElementOrder says otherwise.
import type { TSchema } from '@sinclair/typebox';
import { ApiError } from '../errors.js';
import { goTypeName, goValue } from './go-format.js';
import { badPatch, isPlainObject, parsePatchBody, unprocessablePatch } from './patch-errors.js';
import { fieldSchema, itemSchema, patchMeta, PatchStrategyError, schemaNode, type SchemaNode } from './schema-meta.js';

type Obj = Record<string, unknown>;

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER_PREFIX = '$setElementOrder';
const DELETE_PRIMITIVE_PREFIX = '$deleteFromPrimitiveList';

// apimachinery/pkg/util/mergepatch messages.
const ERR_BAD_PRIMITIVE_LIST = 'invalid patch format of primitive list';
const ERR_BAD_RETAIN_KEYS = 'invalid patch format of retainKeys';
const ERR_RETAIN_KEYS_MISMATCH = "patch content doesn't match retainKeys list";
const ERR_BAD_SET_ORDER = 'invalid patch format of setElementOrder list';
const ERR_LIST_OF_LISTS = 'lists of lists are not supported';

/**
 * Whether strategic merge patch is served for a type. Kubernetes serves it only for built-in
 * types (it needs their patch metadata); custom resources and types without a schema get 415.
 */
export function supportsStrategicMerge(schema: TSchema | undefined): boolean {
  if (!schema) return false;
  const s = schema as Obj;
  // A schema that says nothing about its fields (a custom resource's open schema) has no metadata.
  const props = s.properties as Obj | undefined;
  if (s['x-kubernetes-preserve-unknown-fields'] === true && (!props || Object.keys(props).length === 0)) return false;
  return !!(props || s.$ref || s.allOf || s.anyOf);
}

/** Applies a strategic merge patch to `original` (not mutated); throws ApiError 400/422. */
export function applyStrategicMergePatch(original: object, patchBody: unknown, schema: TSchema): Record<string, unknown> {
  const patch = parsePatchBody(patchBody);
  if (!isPlainObject(patch)) {
    throw badPatch(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : patch === null ? 'null' : typeof patch} into Go value of type map[string]interface {}`);
  }
  try {
    return mergeMap(structuredClone(original) as Obj, structuredClone(patch), schemaNode(schema));
  } catch (e) {
    if (e instanceof ApiError) throw e;
    if (e instanceof PatchStrategyError) throw badPatch(e.message);
    throw e;
  }
}

function mergeMap(original: Obj | undefined, patch: Obj, s: SchemaNode | undefined): Obj {
  if (Object.prototype.hasOwnProperty.call(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    if (directive === 'replace') {
      delete patch[DIRECTIVE];
      // The replacement is taken as given, but cleaned of nested directives and nulls.
      return mergeMap({}, patch, s);
    }
    if (directive === 'delete') return {};
    if (directive !== 'merge') throw badPatch(`unknown patch type: ${goValue(directive)} in map: ${goValue(patch)}`);
    // "$patch: merge" on a map asks for the default behaviour.
    delete patch[DIRECTIVE];
  }
  const out = original ?? {};
  applyRetainKeys(out, patch);
  mergeSetElementOrder(out, patch, s);

  for (const rawKey of Object.keys(patch)) {
    const pv = patch[rawKey];
    let key = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_PRIMITIVE_PREFIX)) {
      key = extractKey(rawKey, DELETE_PRIMITIVE_PREFIX, ERR_BAD_PRIMITIVE_LIST);
      if (!Array.isArray(pv)) throw badPatch(ERR_BAD_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    const fs = fieldSchema(s, key);
    if (pv === null) {
      delete out[key];
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(out, key) || out[key] === null) {
      if (!isDeleteList) out[key] = fromPatch(pv, fs);
      continue;
    }
    const ov = out[key];
    if (kindOf(ov) !== kindOf(pv)) {
      if (!isDeleteList) out[key] = fromPatch(pv, fs);
      continue;
    }
    const meta = patchMeta(fs);
    if (isPlainObject(ov)) {
      out[key] = meta.strategy === 'replace' ? fromPatch(pv, fs) : mergeMap(ov, pv as Obj, fs);
    } else if (Array.isArray(ov)) {
      out[key] = meta.strategy === 'merge' || isDeleteList
        ? mergeSlice(ov, pv as unknown[], itemSchema(fs), meta.mergeKey, isDeleteList)
        : fromPatch(pv, fs);
    } else {
      out[key] = pv;
    }
  }
  return out;
}

/**
 * A value the patch introduces wholesale (new key, replaced list, type change): its maps are merged
 * into nothing, which drops nulls and directives the way decoding into the typed object would.
 */
function fromPatch(pv: unknown, s: SchemaNode | undefined): unknown {
  if (isPlainObject(pv)) return mergeMap({}, pv, s);
  if (Array.isArray(pv)) {
    const meta = patchMeta(s);
    if (meta.strategy === 'merge') return mergeSlice([], pv, itemSchema(s), meta.mergeKey, false);
    const is = itemSchema(s);
    return pv.map((x) => (isPlainObject(x) ? mergeMap({}, x, is) : x));
  }
  return pv;
}

type Kind = 'map' | 'list' | 'string' | 'number' | 'boolean' | 'null';
function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  return typeof v as Kind;
}

function extractKey(key: string, prefix: string, err: string): string {
  const i = key.indexOf('/');
  if (i < 0 || key.slice(0, i) !== prefix || i === key.length - 1) throw badPatch(err);
  return key.slice(i + 1);
}

/** `$retainKeys`: keys of the original missing from the list are cleared; the patch must stay inside it. */
function applyRetainKeys(original: Obj, patch: Obj): void {
  if (!Object.prototype.hasOwnProperty.call(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badPatch(ERR_BAD_RETAIN_KEYS);
  const keep = new Set(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_PRIMITIVE_PREFIX) || k.startsWith(SET_ORDER_PREFIX)) continue;
    if (!keep.has(k)) throw unprocessablePatch(ERR_RETAIN_KEYS_MISMATCH);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** `$setElementOrder/<list>`: merge the list (if patched) and then order it as the directive says. */
function mergeSetElementOrder(original: Obj, patch: Obj, s: SchemaNode | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER_PREFIX)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw badPatch(ERR_BAD_SET_ORDER);
    const listKey = extractKey(key, SET_ORDER_PREFIX, ERR_BAD_SET_ORDER);
    const foundOriginal = Object.prototype.hasOwnProperty.call(original, listKey) && original[listKey] !== null;
    const foundPatch = Object.prototype.hasOwnProperty.call(patch, listKey) && patch[listKey] !== null;
    const originalList = foundOriginal ? original[listKey] : [];
    const patchList = foundPatch ? patch[listKey] : [];
    if (!Array.isArray(originalList)) throw badPatch(`expected a []interface {}, but received a ${goTypeName(originalList)}`);
    if (!Array.isArray(patchList)) throw badPatch(`expected a []interface {}, but received a ${goTypeName(patchList)}`);
    const fs = fieldSchema(s, listKey);
    const meta = patchMeta(fs);
    validatePatchWithSetOrderList(patchList, order, meta.mergeKey);
    if (!foundOriginal && !foundPatch) continue;
    let merged: unknown[];
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (meta.strategy === 'merge') merged = mergeSlice(originalList, patchList, itemSchema(fs), meta.mergeKey, false);
    else merged = fromPatch(patchList, fs) as unknown[];
    if (merged.length > 0) {
      const kind = elementKind(originalList, patchList);
      const [patchItems, serverOnly] = partition(merged, order, meta.mergeKey, kind);
      merged = normalizeElementOrder(patchItems, serverOnly, order, originalList, meta.mergeKey, kind);
    }
    original[listKey] = merged;
    delete patch[listKey];
  }
}

/** Every non-deleted patch item must appear in the order list, in the same relative order. */
function validatePatchWithSetOrderList(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter((x) => !(isPlainObject(x) && x[DIRECTIVE] === 'delete')) : patchList;
  let pi = 0;
  let oi = 0;
  while (pi < items.length && oi < order.length) {
    const item = items[pi];
    if (isPlainObject(item) && Object.prototype.hasOwnProperty.call(item, DIRECTIVE)) { pi++; continue; }
    if (mergeKeyValueEqual(item, order[oi], mergeKey)) pi++;
    oi++;
  }
  if (pi < items.length) {
    throw badPatch(`The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ORDER_PREFIX} list:\n${goValue(order)}\n`);
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isPlainObject(left)) throw badPatch(`expected a map[string]interface {}, but received a ${goTypeName(left)}`);
  if (!isPlainObject(right)) throw badPatch(`expected a map[string]interface {}, but received a ${goTypeName(right)}`);
  if (!(mergeKey in left)) throw noMergeKey(left, mergeKey);
  if (!(mergeKey in right)) throw noMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

function noMergeKey(m: Obj, key: string): ApiError {
  return badPatch(`map: ${goValue(m)} does not contain declared merge key: ${key}`);
}

type ElemKind = 'map' | 'scalar';

/** All items of the lists must share one kind; lists of lists are refused (422, as upstream). */
function elementKind(...lists: unknown[][]): ElemKind {
  let prev: Kind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = kindOf(v);
      if (prev === undefined) {
        if (k === 'list') throw unprocessablePatch(ERR_LIST_OF_LISTS);
        prev = k;
      } else if (prev !== k) {
        throw badPatch(`list element types are not identical: ${goValue(lists)}`);
      }
    }
  }
  return prev === 'map' ? 'map' : 'scalar';
}

function mergeSlice(original: unknown[], patch: unknown[], is: SchemaNode | undefined, mergeKey: string, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  let merged: unknown[];
  let order = patch;
  let serverOrder = original;
  if (kind !== 'map') {
    if (isDeleteList) {
      const drop = new Set(patch);
      return original.filter((v) => !drop.has(v));
    }
    merged = dedupe([...original, ...patch]);
  } else {
    if (!mergeKey) throw badPatch('cannot merge lists without merge key for type struct');
    const special = applySpecialElements(original, patch, mergeKey, is);
    serverOrder = special.original;
    order = special.patch;
    merged = [...special.original];
    for (const item of special.patch as Obj[]) {
      if (!(mergeKey in item)) throw noMergeKey(item, mergeKey);
      const idx = merged.findIndex((o) => isPlainObject(o) && mergeKey in o && o[mergeKey] === item[mergeKey]);
      if (idx >= 0) merged[idx] = mergeMap(merged[idx] as Obj, item, is);
      else merged.push(fromPatch(item, is));
    }
  }
  const [patchItems, serverOnly] = partition(merged, order, mergeKey, kind);
  return normalizeElementOrder(patchItems, serverOnly, order, serverOrder, mergeKey, kind);
}

/** List items carrying `$patch`: delete removes matching items; replace makes the rest of the patch the list. */
function applySpecialElements(original: unknown[], patch: unknown[], mergeKey: string, is: SchemaNode | undefined): { original: unknown[]; patch: unknown[] } {
  const plain: unknown[] = [];
  let replace = false;
  let out = original;
  for (const v of patch as Obj[]) {
    if (!Object.prototype.hasOwnProperty.call(v, DIRECTIVE)) { plain.push(v); continue; }
    const directive = v[DIRECTIVE];
    if (directive === 'delete') {
      if (!(mergeKey in v)) throw noMergeKey(v, mergeKey);
      out = out.filter((o) => !(isPlainObject(o) && mergeKey in o && o[mergeKey] === v[mergeKey]));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      // An item-level "$patch: merge" is the default behaviour for that item.
      const rest = { ...v };
      delete rest[DIRECTIVE];
      if (mergeKey in rest) plain.push(rest);
    } else {
      throw badPatch(`unknown patch type: ${goValue(directive)} in map: ${goValue(v)}`);
    }
  }
  if (replace) return { original: plain.map((x) => fromPatch(x, is)), patch: [] };
  return { original: out, patch: plain };
}

function dedupe(list: unknown[]): unknown[] {
  const seen = new Set<unknown>();
  return list.filter((v) => (seen.has(v) ? false : (seen.add(v), true)));
}

function identity(v: unknown, mergeKey: string, kind: ElemKind): unknown {
  return kind === 'map' ? (isPlainObject(v) ? v[mergeKey] : undefined) : v;
}

function indexIn(list: unknown[], v: unknown, mergeKey: string, kind: ElemKind): number {
  const id = identity(v, mergeKey, kind);
  return list.findIndex((x) => identity(x, mergeKey, kind) === id);
}

/** Splits items into those named in `by` and the rest. */
function partition(items: unknown[], by: unknown[], mergeKey: string, kind: ElemKind): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of items) {
    if (kind === 'map') {
      if (!isPlainObject(v)) throw badPatch(`expected a map[string]interface {}, but received a ${goTypeName(v)}`);
      if (!(mergeKey in v)) throw noMergeKey(v, mergeKey);
    }
    (indexIn(by, v, mergeKey, kind) >= 0 ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

/**
 * Patch items are ordered by the patch (or $setElementOrder), server-only items by the live list,
 * then the two are interleaved by their live positions; items new to the list come first.
 */
function normalizeElementOrder(patchItems: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: ElemKind): unknown[] {
  const right = sortBy(patchItems, patchOrder, mergeKey, kind);
  const left = sortBy(serverOnly, serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) { out.push(right[j++]); continue; }
    if (j >= right.length) { out.push(left[i++]); continue; }
    const li = indexIn(serverOrder, left[i], mergeKey, kind);
    const ri = indexIn(serverOrder, right[j], mergeKey, kind);
    if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
    else out.push(right[j++]);
  }
  return out;
}

function sortBy(items: unknown[], order: unknown[], mergeKey: string, kind: ElemKind): unknown[] {
  const keep = kind === 'map' ? items.filter((x) => !(isPlainObject(x) && DIRECTIVE in x)) : items;
  const directives = kind === 'map' ? items.filter((x) => isPlainObject(x) && DIRECTIVE in x) : [];
  const ranked = keep.map((v, n) => ({ v, n, at: indexIn(order, v, mergeKey, kind) }));
  ranked.sort((a, b) => (a.at >= 0 && b.at >= 0 ? a.at - b.at : a.n - b.n));
  return [...ranked.map((r) => r.v), ...directives];
}

// The schema-aware walks server-side apply is made of, after sigs.k8s.io/structured-merge-diff:
// the field set an applied configuration claims, merging a configuration into the live object,
// comparing two objects (what an update added, changed and removed) and pruning what an applier
// stopped applying. Lists are atomic, sets (items named by value) or maps (items named by keys);
// objects are structs (named fields), maps (free keys) or atomic.
import { isPlainObject } from '../patch/patch-errors.js';
import { fieldSchema, isNamedField, itemSchema, keyDefault, ssaKind, type SchemaNode, type SsaKind } from '../patch/schema-meta.js';
import { compareElements, fieldElement, FieldSet, formatElement, formatPath, keyElement, valueElement, type FieldPath, type PathElement } from './field-set.js';

type Obj = Record<string, unknown>;

/** The effective kind of a node: schema-less (untyped) values are deduced from the value. */
function kindFor(n: SchemaNode | undefined, ...values: unknown[]): SsaKind {
  const k = ssaKind(n);
  if (k.kind !== 'untyped') return k;
  const v = values.find((x) => x !== undefined && x !== null);
  if (isPlainObject(v)) return { kind: 'map', atomic: false };
  if (Array.isArray(v)) return { kind: 'list', listType: 'atomic', keys: [] };
  return { kind: 'scalar' };
}

function isEmptyValue(v: unknown): boolean {
  return v === undefined || v === null || (isPlainObject(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0);
}

/** The path element naming a list item, or an error text as structured-merge-diff words it. */
function itemElement(k: SsaKind & { kind: 'list' }, item: unknown, is: SchemaNode | undefined, index: number): PathElement | string[] {
  if (k.listType === 'set') return valueElement(item);
  if (!isPlainObject(item)) return [`element ${index}: associative list with keys may not have non-map elements`];
  const keys: Obj = {};
  for (const key of k.keys) {
    let v = item[key];
    if (v === undefined || v === null) v = keyDefault(is, key);
    if (v === undefined || v === null) return [`element ${index}: associative list with keys has an element that omits key field ${JSON.stringify(key)} (and doesn't have default value)`];
    keys[key] = v;
  }
  return keyElement(keys);
}

interface IndexedList {
  pes: PathElement[];
  byPe: Map<PathElement, unknown>;
}

/** Names every item of a keyed list or set; duplicates are errors in an applied configuration. */
function indexList(k: SsaKind & { kind: 'list' }, list: unknown[], is: SchemaNode | undefined, path: FieldPath, errs: string[] | undefined): IndexedList {
  const pes: PathElement[] = [];
  const byPe = new Map<PathElement, unknown>();
  list.forEach((item, i) => {
    const pe = itemElement(k, item, is, i);
    if (Array.isArray(pe)) {
      errs?.push(`${formatPath(path)}: ${pe[0]}`);
      return;
    }
    if (byPe.has(pe)) {
      errs?.push(`${formatPath(path)}: duplicate entries for ${pe.startsWith('v:') ? 'value' : 'key'} ${formatElement(pe)}`);
      return;
    }
    pes.push(pe);
    byPe.set(pe, item);
  });
  return { pes, byPe };
}

/** The fields an applied configuration sets (structured-merge-diff's ToFieldSet). */
export function toFieldSet(value: unknown, n: SchemaNode | undefined, errs: string[]): FieldSet {
  const set = new FieldSet();
  walkFieldSet(value, n, set, [], errs);
  return set.compact();
}

function walkFieldSet(v: unknown, n: SchemaNode | undefined, node: FieldSet, path: FieldPath, errs: string[]): void {
  if (v === null || v === undefined) return;
  const k = kindFor(n, v);
  if (k.kind === 'scalar' || k.kind === 'untyped') { node.member = true; return; }
  if (k.kind === 'list') {
    if (k.listType === 'atomic' || !Array.isArray(v)) { node.member = true; return; }
    const is = itemSchema(n);
    const { pes, byPe } = indexList(k, v, is, path, errs);
    for (const pe of pes) {
      const child = node.child(pe);
      walkFieldSet(byPe.get(pe), is, child, [...path, pe], errs);
      child.member = true;
    }
    return;
  }
  if (k.atomic || !isPlainObject(v)) { node.member = true; return; }
  for (const [key, val] of Object.entries(v)) {
    const declared = isNamedField(n, key);
    const fs = fieldSchema(n, key);
    const pe = fieldElement(key);
    if (k.kind === 'struct' && !declared && !k.open) {
      errs.push(`${formatPath([...path, pe])}: field not declared in schema`);
      continue;
    }
    const child = node.child(pe);
    walkFieldSet(val, fs, child, [...path, pe], errs);
    if (val === null || (isPlainObject(val) && Object.keys(val).length === 0) || !declared) child.member = true;
  }
}

/** Merges an applied configuration (rhs) into the live object (lhs); rhs wins on leaves. */
export function mergeValues(l: unknown, r: unknown, n: SchemaNode | undefined, path: FieldPath = []): unknown {
  if (r === undefined) return structuredClone(l);
  if (l === undefined || l === null || r === null) return structuredClone(r);
  const k = kindFor(n, r, l);
  if (k.kind === 'scalar' || k.kind === 'untyped' || (isEmptyValue(l) && isEmptyValue(r))) return structuredClone(r);
  if (k.kind === 'list') {
    if (k.listType === 'atomic' || !Array.isArray(l) || !Array.isArray(r)) return structuredClone(r);
    return mergeLists(k, l, r, itemSchema(n), path);
  }
  if (k.atomic || !isPlainObject(l) || !isPlainObject(r)) return structuredClone(r);
  const out: Obj = structuredClone(l);
  for (const [key, rv] of Object.entries(r)) out[key] = mergeValues(l[key], rv, fieldSchema(n, key), [...path, fieldElement(key)]);
  return out;
}

/**
 * Keyed list merge keeping structured-merge-diff's order: live-only items stay where they were,
 * items in both follow the configuration's order, new items come where the configuration puts them.
 */
function mergeLists(k: SsaKind & { kind: 'list' }, l: unknown[], r: unknown[], is: SchemaNode | undefined, path: FieldPath): unknown[] {
  const L = indexListAllowingDuplicates(k, l, is);
  const R = indexList(k, r, is, path, undefined);
  const shared = R.pes.filter((pe) => L.byPe.has(pe));
  let nextShared = shared.shift();
  const mergedR = new Set<PathElement>();
  const out: unknown[] = [];
  const merge = (pe: PathElement) => mergeValues(L.byPe.get(pe), R.byPe.get(pe), is, [...path, pe]);
  let li = 0;
  let ri = 0;
  while (li < L.pes.length || ri < R.pes.length) {
    if (li < L.pes.length && ri < R.pes.length) {
      const pe = L.pes[li];
      if (pe === R.pes[ri]) {
        mergedR.add(pe);
        out.push(merge(pe));
        li++; ri++;
        nextShared = shared.shift();
        continue;
      }
      if (R.byPe.has(pe) && nextShared !== undefined && nextShared !== pe) { li++; continue; }
    }
    if (li < L.pes.length) {
      const pe = L.pes[li];
      if (!R.byPe.has(pe)) { out.push(structuredClone(L.items[li])); li++; continue; }
      if (mergedR.has(pe)) { li++; continue; }
    }
    if (ri < R.pes.length) {
      const pe = R.pes[ri];
      mergedR.add(pe);
      out.push(merge(pe));
      ri++;
      if (nextShared === pe) nextShared = shared.shift();
    }
  }
  return out;
}

/** Live objects may hold duplicates or unnamed items (written by update); they are kept as they are. */
function indexListAllowingDuplicates(k: SsaKind & { kind: 'list' }, list: unknown[], is: SchemaNode | undefined): IndexedList & { items: unknown[] } {
  const pes: PathElement[] = [];
  const items: unknown[] = [];
  const byPe = new Map<PathElement, unknown>();
  list.forEach((item, i) => {
    const named = itemElement(k, item, is, i);
    const pe = Array.isArray(named) ? `i:${i}` : named;
    pes.push(pe);
    items.push(item);
    if (!byPe.has(pe)) byPe.set(pe, item);
  });
  return { pes, byPe, items };
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * What changed from `l` to `r`, per path. Leaves are added/modified/removed; lists, maps, list items
 * and map entries that appear or disappear are added/removed themselves too. Fields holding structs
 * are not: Kubernetes compares typed objects, where a struct field (spec, template...) is always
 * present, so updaters never own `spec` as a whole.
 */
export function compareValues(l: unknown, r: unknown, n: SchemaNode | undefined): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(l, r, n, [], c, true);
  c.added.compact(); c.modified.compact(); c.removed.compact();
  return c;
}

/**
 * What compareValues({}, value) reports as added, with `stripped`'s member paths no longer members
 * (their children stay) and `ignored`'s member paths left out with everything under them, straight
 * as the fieldsV1 JSON FieldSet.toFieldsV1 would give (same keys, same order), or null when nothing
 * is left: the field set a create gives its only manager, in one walk that builds no trie (no path
 * arrays, no compacting, no second object). Same rules as walkCompare with nothing on the left,
 * so the two never disagree (track-create.test.ts compares trackCreate with trackUpdate).
 */
export function addedFieldsV1(value: unknown, n: SchemaNode | undefined, stripped: FieldSet | undefined, ignored: FieldSet | undefined): Obj | null {
  return fieldsV1Added(value, n, true, true, stripped, ignored);
}

function fieldsV1Added(r: unknown, n: SchemaNode | undefined, root: boolean, structField: boolean, stripped: FieldSet | undefined, ignored: FieldSet | undefined): Obj | null {
  if (r === null || r === undefined) return null;
  // kindFor(n, r) without its rest array: this runs for every field of every object created.
  let k = ssaKind(n);
  if (k.kind === 'untyped') k = kindFor(n, r);
  const leaf = k.kind === 'scalar' || k.kind === 'untyped'
    || (k.kind === 'list' && (k.listType === 'atomic' || !Array.isArray(r)))
    || ((k.kind === 'map' || k.kind === 'struct') && (k.atomic || !isPlainObject(r)))
    || isEmptyValue(r);
  const unstripped = !root && !(stripped?.member ?? false);
  if (leaf) return unstripped ? {} : null;
  const entries: [PathElement, Obj][] = [];
  if (k.kind === 'list') {
    const is = itemSchema(n);
    const R = indexListAllowingDuplicates(k, r as unknown[], is);
    const seen = new Set<PathElement>();
    for (const pe of R.pes) {
      if (seen.has(pe)) continue;
      seen.add(pe);
      addEntry(entries, pe, R.byPe.get(pe), is, false, stripped, ignored);
    }
  } else {
    const o = r as Obj;
    const struct = k.kind === 'struct';
    for (const key of Object.keys(o)) {
      const fs = fieldSchema(n, key);
      const structValued = struct && isNamedField(n, key) && ssaKind(fs).kind === 'struct';
      addEntry(entries, fieldElement(key), o[key], fs, structValued, stripped, ignored);
    }
  }
  const member = unstripped && !structField;
  if (!member && entries.length === 0) return null;
  if (entries.length > 1) entries.sort(byElement);
  const out: Obj = {};
  if (member && entries.length) out['.'] = {};
  for (const [pe, c] of entries) out[pe] = c;
  return out;
}

function addEntry(entries: [PathElement, Obj][], pe: PathElement, v: unknown, n: SchemaNode | undefined, structValued: boolean, stripped: FieldSet | undefined, ignored: FieldSet | undefined): void {
  const ig = ignored?.children.get(pe);
  if (ig?.member) return;
  const c = fieldsV1Added(v, n, false, structValued, stripped?.children.get(pe), ig);
  if (c) entries.push([pe, c]);
}

function byElement(a: [PathElement, Obj], b: [PathElement, Obj]): number {
  return compareElements(a[0], b[0]);
}

function walkCompare(l: unknown, r: unknown, n: SchemaNode | undefined, path: FieldPath, c: Comparison, structField: boolean): void {
  if (l === null) l = undefined;
  if (r === null) r = undefined;
  if (l === undefined && r === undefined) return;
  const k = kindFor(n, r, l);
  const leaf = k.kind === 'scalar' || k.kind === 'untyped'
    || (k.kind === 'list' && (k.listType === 'atomic' || !Array.isArray(l ?? []) || !Array.isArray(r ?? [])))
    || ((k.kind === 'map' || k.kind === 'struct') && (k.atomic || !isPlainObject(l ?? {}) || !isPlainObject(r ?? {})))
    || (isEmptyValue(l) && isEmptyValue(r));
  if (leaf) {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
    else if (!deepEqual(l, r)) c.modified.insert(path);
    return;
  }
  if (k.kind === 'list') {
    const is = itemSchema(n);
    const L = indexListAllowingDuplicates(k, (l ?? []) as unknown[], is);
    const R = indexListAllowingDuplicates(k, (r ?? []) as unknown[], is);
    const all = [...L.pes, ...R.pes.filter((pe) => !L.byPe.has(pe))];
    for (const pe of new Set(all)) walkCompare(L.byPe.get(pe), R.byPe.get(pe), is, [...path, pe], c, false);
  } else {
    const lo = (l ?? {}) as Obj;
    const ro = (r ?? {}) as Obj;
    const keys = new Set([...Object.keys(lo), ...Object.keys(ro)]);
    for (const key of keys) {
      const fs = fieldSchema(n, key);
      const structValued = k.kind === 'struct' && isNamedField(n, key) && ssaKind(fs).kind === 'struct';
      walkCompare(lo[key], ro[key], fs, [...path, fieldElement(key)], c, structValued);
    }
  }
  if (path.length && !structField) {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
  }
}

/**
 * Removes from `obj` (in place) what the applier owned last time (`last`) that nobody owns now
 * (`owned`, which includes the applier's new set). A named field counts as owned while anything
 * under it is owned; containers emptied by the removal go too.
 */
export function prune(obj: unknown, last: FieldSet, owned: FieldSet, n: SchemaNode | undefined): void {
  walkPrune(obj, last, owned, n, []);
}

function walkPrune(v: unknown, last: FieldSet, owned: FieldSet, n: SchemaNode | undefined, path: FieldPath): void {
  const k = kindFor(n, v);
  for (const [pe, lastChild] of last.children) {
    const childPath = [...path, pe];
    if (pe.startsWith('f:') && isPlainObject(v) && (k.kind === 'struct' || k.kind === 'map')) {
      const key = pe.slice(2);
      if (!(key in v)) continue;
      const named = k.kind === 'struct' && isNamedField(n, key);
      if (lastChild.member && !isOwned(owned, childPath, named)) { delete v[key]; continue; }
      const before = isEmptyValue(v[key]);
      walkPrune(v[key], lastChild, owned, fieldSchema(n, key), childPath);
      if (!before && isEmptyValue(v[key]) && !isOwned(owned, childPath, named)) delete v[key];
    } else if (Array.isArray(v) && k.kind === 'list' && k.listType !== 'atomic') {
      const is = itemSchema(n);
      const idx = v.findIndex((item, i) => itemElement(k, item, is, i) === pe);
      if (idx < 0) continue;
      if (lastChild.member && !isOwned(owned, childPath, false)) { v.splice(idx, 1); continue; }
      walkPrune(v[idx], lastChild, owned, is, childPath);
    }
  }
}

function isOwned(owned: FieldSet, path: FieldPath, namedField: boolean): boolean {
  const node = owned.at(path);
  if (!node) return false;
  return node.member || (namedField && !node.isEmpty());
}

/** Drops null-valued keys (they decode to "unset" in Kubernetes' typed objects). */
export function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (isPlainObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else v[k] = dropNulls(v[k]);
    }
  }
  return v;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

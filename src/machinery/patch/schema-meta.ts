// Reads the patch metadata Kubernetes keeps in its OpenAPI extensions out of a TypeBox schema:
// which lists merge by key (strategic merge patch), which are sets, maps or atomic (server-side
// apply), and which objects are structs (named fields) versus maps (free keys). Both patch engines
// walk the schema with the value, so this is the one place that knows TypeBox's JSON shapes.
import type { TSchema } from '@sinclair/typebox';
import { K8S_EXT } from '../../api/schema.js';

type S = Record<string, unknown>;

/** `$id` -> schema, for resolving `$ref`s (Type.Ref, Type.Recursive) inside one root schema. */
const registries = new WeakMap<object, Map<string, S>>();

function registryOf(root: TSchema): Map<string, S> {
  let reg = registries.get(root);
  if (reg) return reg;
  reg = new Map();
  const seen = new Set<object>();
  const visit = (v: unknown): void => {
    if (!v || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) { v.forEach(visit); return; }
    const s = v as S;
    if (typeof s.$id === 'string' && !reg!.has(s.$id)) reg!.set(s.$id, s);
    for (const k of Object.keys(s)) visit(s[k]);
  };
  visit(root);
  registries.set(root, reg);
  return reg;
}

/** A schema node bound to the root it came from (so `$ref`s inside can be resolved). */
export interface SchemaNode {
  readonly root: TSchema;
  readonly s: S;
}

export function schemaNode(root: TSchema | undefined): SchemaNode | undefined {
  return root ? resolve({ root, s: root as S }) : undefined;
}

function isScalarSchema(s: S): boolean {
  const t = s.type;
  return t === 'string' || t === 'integer' || t === 'number' || t === 'boolean' || t === 'null';
}

/**
 * resolve's answers per root and schema object: schemas never change once built, and every write
 * walks the same few hundred nodes, so each is resolved (and its SSA kind worked out) once. Keeping
 * the same node object per schema also lets ssaKind remember its answer by node.
 */
const resolved = new WeakMap<object, WeakMap<object, SchemaNode>>();

/** Follows `$ref`s and picks the structural branch of a union (int-or-string stays a scalar). */
export function resolve(n: SchemaNode): SchemaNode {
  const byS = memo(resolved, n.root, () => new WeakMap<object, SchemaNode>());
  return memo(byS, n.s, () => resolveOnce(n));
}

/** cache's value for key, made once. */
function memo<V>(cache: WeakMap<object, V>, key: object, make: () => V): V {
  let v = cache.get(key);
  if (v === undefined) cache.set(key, (v = make()));
  return v;
}

function resolveOnce(n: SchemaNode): SchemaNode {
  let s = n.s;
  for (let i = 0; i < 32 && typeof s.$ref === 'string'; i++) {
    const target = registryOf(n.root).get(s.$ref as string);
    if (!target) break;
    s = target;
  }
  const branches = (s.anyOf ?? s.oneOf) as S[] | undefined;
  if (Array.isArray(branches) && !s[K8S_EXT.intOrString]) {
    const structural = branches
      .map((b) => resolve({ root: n.root, s: b }).s)
      .find((b) => b.type === 'object' || b.type === 'array' || b.properties || b.items);
    if (structural) s = { ...structural, ...pickExtensions(s) };
  }
  if (Array.isArray(s.allOf)) {
    const props: Record<string, unknown> = {};
    for (const b of s.allOf as S[]) Object.assign(props, (resolve({ root: n.root, s: b }).s.properties as object) ?? {});
    s = { ...s, type: 'object', properties: { ...props, ...((s.properties as object) ?? {}) } };
  }
  return { root: n.root, s };
}

function pickExtensions(s: S): S {
  const out: S = {};
  for (const k of Object.keys(s)) if (k.startsWith('x-kubernetes-')) out[k] = s[k];
  return out;
}

/** The schema of key `key` inside an object schema: a declared property, else the map's value schema. */
export function fieldSchema(n: SchemaNode | undefined, key: string): SchemaNode | undefined {
  if (!n) return undefined;
  const s = n.s;
  const props = s.properties as Record<string, S> | undefined;
  if (props && Object.prototype.hasOwnProperty.call(props, key)) return resolve({ root: n.root, s: props[key] });
  const value = mapValueSchema(n);
  return value;
}

/** The value schema of a map (Type.Record → patternProperties, or a schema-valued additionalProperties). */
export function mapValueSchema(n: SchemaNode): SchemaNode | undefined {
  const pp = n.s.patternProperties as Record<string, S> | undefined;
  if (pp) {
    const first = Object.values(pp)[0];
    if (first) return resolve({ root: n.root, s: first });
  }
  const ap = n.s.additionalProperties;
  if (ap && typeof ap === 'object') return resolve({ root: n.root, s: ap as S });
  return undefined;
}

/** True when `key` is a declared (named) field of a struct schema. */
export function isNamedField(n: SchemaNode | undefined, key: string): boolean {
  const props = n?.s.properties as Record<string, unknown> | undefined;
  return !!props && Object.prototype.hasOwnProperty.call(props, key);
}

export function itemSchema(n: SchemaNode | undefined): SchemaNode | undefined {
  if (!n || !n.s.items || typeof n.s.items !== 'object' || Array.isArray(n.s.items)) return undefined;
  return resolve({ root: n.root, s: n.s.items as S });
}

/** Strategic-merge metadata of a field: strategy ('merge' | 'replace' | ''), retainKeys, merge key. */
export interface PatchMeta {
  strategy: string;
  retainKeys: boolean;
  mergeKey: string;
}

export class PatchStrategyError extends Error {}

export function patchMeta(n: SchemaNode | undefined): PatchMeta {
  const raw = typeof n?.s[K8S_EXT.strategy] === 'string' ? (n!.s[K8S_EXT.strategy] as string) : '';
  const parts = raw.split(',').map((p) => p.trim()).filter(Boolean);
  const retainKeys = parts.includes('retainKeys');
  const others = parts.filter((p) => p !== 'retainKeys');
  if (others.length > 1 || parts.length > 2) throw new PatchStrategyError(`unexpected patch strategy: ${raw}`);
  const mergeKey = typeof n?.s[K8S_EXT.mergeKey] === 'string' ? (n!.s[K8S_EXT.mergeKey] as string) : '';
  return { strategy: others[0] ?? '', retainKeys, mergeKey };
}

/** What server-side apply needs to know about a schema node (shared answers: never change one). */
export type SsaKind =
  | { kind: 'scalar' }
  | { kind: 'untyped' }
  | { kind: 'struct'; atomic: boolean; open: boolean }
  | { kind: 'map'; atomic: boolean }
  | { kind: 'list'; listType: 'atomic' | 'set' | 'map'; keys: string[] };

/**
 * The SSA view of a schema: lists follow x-kubernetes-list-type, falling back (as Kubernetes'
 * schema conversion does) to the patch strategy: merge with a key = map, merge without = set,
 * otherwise atomic. Objects with declared properties are structs; records are maps.
 */
const ssaKinds = new WeakMap<object, SsaKind>();

export function ssaKind(n: SchemaNode | undefined): SsaKind {
  if (!n) return { kind: 'untyped' };
  // Depends on the schema object alone (mapValueSchema only tells whether a map value schema exists).
  return memo(ssaKinds, n.s, () => ssaKindOnce(n));
}

function ssaKindOnce(n: SchemaNode): SsaKind {
  const s = n.s;
  if (s[K8S_EXT.intOrString] || Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) return isStructural(s) ? structKind(n) : { kind: 'scalar' };
  if (s.type === 'array' || s.items) {
    const lt = s[K8S_EXT.listType];
    if (lt === 'map') {
      const keys = Array.isArray(s[K8S_EXT.listMapKeys]) ? (s[K8S_EXT.listMapKeys] as string[]) : typeof s[K8S_EXT.mergeKey] === 'string' ? [s[K8S_EXT.mergeKey] as string] : [];
      return { kind: 'list', listType: keys.length ? 'map' : 'atomic', keys };
    }
    if (lt === 'set') return { kind: 'list', listType: 'set', keys: [] };
    if (lt === 'atomic') return { kind: 'list', listType: 'atomic', keys: [] };
    const meta = patchMeta(n);
    if (meta.strategy === 'merge' && meta.mergeKey) return { kind: 'list', listType: 'map', keys: [meta.mergeKey] };
    if (meta.strategy === 'merge') return { kind: 'list', listType: 'set', keys: [] };
    return { kind: 'list', listType: 'atomic', keys: [] };
  }
  if (isScalarSchema(s)) return { kind: 'scalar' };
  if (s.type === 'object' || s.properties || s.patternProperties || s.additionalProperties) return structKind(n);
  return { kind: 'untyped' };
}

function isStructural(s: S): boolean {
  return !s[K8S_EXT.intOrString] && (s.type === 'object' || !!s.properties);
}

function structKind(n: SchemaNode): SsaKind {
  const s = n.s;
  const atomic = s[K8S_EXT.mapType] === 'atomic';
  if (s.properties) {
    const open = s[K8S_EXT.preserveUnknown] === true || !!mapValueSchema(n) || s.additionalProperties === true;
    return { kind: 'struct', atomic, open };
  }
  if (s[K8S_EXT.preserveUnknown] === true && !mapValueSchema(n)) return { kind: 'untyped' };
  return { kind: 'map', atomic };
}

/** Default value of a list-map key field, used when an item omits it (e.g. ports' protocol "TCP"). */
export function keyDefault(item: SchemaNode | undefined, key: string): unknown {
  const f = fieldSchema(item, key);
  return f?.s.default;
}

// Walks a decoded JSON value against a TypeBox schema the way Kubernetes' strict JSON decoder
// does: reports fields the type does not declare (by JSON path, "spec.containers[0].imagee") and
// values of the wrong JSON type, and drops explicit nulls (Go reads null as "absent").
import { parseQuantity } from '../../machinery/quantity.js';
import type { TSchema } from '@sinclair/typebox';

export interface WalkResult {
  /** Paths of fields the schema does not declare, in document order. */
  unknown: string[];
  /** Type mismatches, already phrased like Go's encoding/json. */
  mismatches: string[];
}

type Obj = Record<string, unknown>;

function isPlainObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  return typeof v; // string, number, boolean
}

function goTypeName(s: TSchema): string {
  const t = (s as Obj).type;
  if (t === 'integer') return (s as Obj).format === 'int64' ? 'int64' : 'int32';
  if (t === 'number') return 'float64';
  if (t === 'boolean') return 'bool';
  if (t === 'string') return 'string';
  if (t === 'array') return '[]' + goTypeName((s as Obj).items as TSchema);
  if (t === 'object') {
    const id = (s as Obj).$id;
    if (typeof id === 'string') return id.slice(id.lastIndexOf('.') + 1);
    if ((s as Obj).patternProperties) return 'map[string]string';
    return 'struct';
  }
  return 'value';
}

/** Whether any value is acceptable here (RawExtension, free-form JSON, Unknown/Any). */
function isOpen(s: Obj): boolean {
  if (s['x-kubernetes-preserve-unknown-fields'] === true) return true;
  if (s['x-pb-type'] === 'rawextension') return true;
  return s.type === undefined && s.anyOf === undefined && s.$ref === undefined && s.allOf === undefined && s.const === undefined;
}

function primitiveMatches(v: unknown, s: Obj): boolean {
  switch (s.type) {
    case 'string': return typeof v === 'string';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'boolean': return typeof v === 'boolean';
    case 'object': return isPlainObject(v);
    case 'array': return Array.isArray(v);
    case 'null': return v === null;
    default: return true;
  }
}

export interface WalkOptions {
  /** Remove unknown fields from the value in place (Warn and Ignore modes). */
  dropUnknown: boolean;
  /** Named schemas for `$ref` resolution, by `$id`. */
  refs?: Map<string, TSchema>;
}

/** Collects every nested `$id` schema so `$ref`s (recursive types) resolve. */
export function collectRefs(root: TSchema, into = new Map<string, TSchema>()): Map<string, TSchema> {
  const seen = new Set<unknown>();
  const visit = (s: unknown): void => {
    if (!s || typeof s !== 'object' || seen.has(s)) return;
    seen.add(s);
    const o = s as Obj;
    if (typeof o.$id === 'string' && !into.has(o.$id)) into.set(o.$id, o as TSchema);
    for (const v of Object.values(o)) {
      if (v && typeof v === 'object') visit(v);
    }
  };
  visit(root);
  return into;
}

export function walk(value: unknown, schema: TSchema, opts: WalkOptions): WalkResult {
  const out: WalkResult = { unknown: [], mismatches: [] };
  const refs = opts.refs ?? collectRefs(schema);
  visit(value, schema as Obj, { segs: [], brackets: [] }, 'Object', refs, opts, out);
  return out;
}

/**
 * The JSON path being walked, as a stack of segments: the text ("spec.containers[1].image") is
 * only built for the rare field that is reported, not for every field of every request body.
 */
interface Path {
  segs: string[];
  /** brackets[i]: segs[i] is a list index or map key, written "[x]" rather than ".x". */
  brackets: boolean[];
}

function pathText(p: Path): string {
  let s = '';
  for (let i = 0; i < p.segs.length; i++) {
    if (p.brackets[i]) s += `[${p.segs[i]}]`;
    else s += s ? `.${p.segs[i]}` : p.segs[i];
  }
  return s;
}

function push(p: Path, seg: string, bracket: boolean): void {
  p.segs.push(seg);
  p.brackets.push(bracket);
}

function pop(p: Path): void {
  p.segs.pop();
  p.brackets.pop();
}

function visit(v: unknown, s: Obj, path: Path, parentType: string, refs: Map<string, TSchema>, opts: WalkOptions, out: WalkResult): void {
  if (typeof s.$ref === 'string') {
    const target = refs.get(s.$ref);
    if (!target) return;
    s = target as Obj;
  }
  if (isOpen(s)) return;
  if (Array.isArray(s.allOf)) {
    for (const part of s.allOf as Obj[]) visit(v, part, path, parentType, refs, opts, out);
    return;
  }
  if (Array.isArray(s.anyOf)) {
    const branches = s.anyOf as Obj[];
    const hit = branches.find((b) => primitiveMatches(v, typeof b.$ref === 'string' ? (refs.get(b.$ref) as Obj) ?? b : b));
    if (!hit) {
      out.mismatches.push(`json: cannot unmarshal ${jsonTypeName(v)} into Go struct field ${parentType}.${stripIndexes(pathText(path))} of type ${s['x-pb-type'] === 'quantity' ? 'resource.Quantity' : 'intstr.IntOrString'}`);
      return;
    }
    if (s['x-pb-type'] === 'quantity' && typeof v === 'string') {
      const bad = formatError(v, 'quantity');
      if (bad) out.mismatches.push(bad);
      return;
    }
    if (hit.type === 'object' || hit.type === 'array' || hit.$ref) visit(v, hit, path, parentType, refs, opts, out);
    return;
  }
  if (s.const !== undefined) return;
  if (!primitiveMatches(v, s)) {
    out.mismatches.push(`json: cannot unmarshal ${jsonTypeName(v)} into Go struct field ${parentType}.${stripIndexes(pathText(path))} of type ${goTypeName(s as TSchema)}`);
    return;
  }
  if (typeof v === 'string' && typeof s['x-pb-type'] === 'string') {
    // Go's decoder parses these strings into typed values: a malformed one is a decoding error.
    const bad = formatError(v, s['x-pb-type']);
    if (bad) {
      out.mismatches.push(bad);
      return;
    }
  }
  if (s.type === 'array') {
    const items = s.items as Obj | undefined;
    if (!items) return;
    const arr = v as unknown[];
    for (let i = 0; i < arr.length; i++) {
      if (arr[i] === null) continue;
      push(path, String(i), true);
      visit(arr[i], items, path, parentType, refs, opts, out);
      pop(path);
    }
    return;
  }
  if (s.type !== 'object') return;
  const o = v as Obj;
  const props = s.properties as Record<string, Obj> | undefined;
  const pattern = s.patternProperties as Record<string, Obj> | undefined;
  const patternSchema = pattern ? Object.values(pattern)[0] : undefined;
  const additional = s.additionalProperties;
  const typeName = typeof s.$id === 'string' ? s.$id.slice(s.$id.lastIndexOf('.') + 1) : parentType;
  const bracket = patternSchema !== undefined && !props;
  for (const key of Object.keys(o)) {
    const child = o[key];
    if (child === null) {
      // Go leaves the field at its zero value: the same as omitting it.
      delete o[key];
      continue;
    }
    const ps = props?.[key];
    const cs = ps ?? patternSchema ?? (additional && typeof additional === 'object' ? additional as Obj : undefined);
    if (cs) {
      push(path, key, bracket);
      visit(child, cs, path, typeName, refs, opts, out);
      pop(path);
    } else if (additional === false) {
      push(path, key, bracket);
      out.unknown.push(pathText(path));
      pop(path);
      if (opts.dropUnknown) delete o[key];
    }
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The message Go's decoder gives for a string that does not parse as its typed value, or null. */
function formatError(v: string, pbType: string): string | null {
  switch (pbType) {
    case 'time':
    case 'microtime':
      if (v === '' || (RFC3339.test(v) && !Number.isNaN(Date.parse(v)))) return null;
      return `parsing time ${JSON.stringify(v)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(v)} as a time`;
    case 'bytes':
      if (BASE64.test(v.replace(/[\r\n]/g, ''))) return null; // Go's decoder skips line breaks
      return `illegal base64 data in ${JSON.stringify(v.length > 32 ? v.slice(0, 32) + '…' : v)}`;
    case 'quantity':
      try {
        parseQuantity(v);
        return null;
      } catch {
        return "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
      }
    default:
      return null;
  }
}

function stripIndexes(path: string): string {
  return path.replace(/\[[^\]]*\]/g, '');
}

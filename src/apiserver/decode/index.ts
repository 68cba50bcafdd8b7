// Request bodies to objects: parse by Content-Type (JSON, YAML, Kubernetes protobuf), then check
// the result against the resource's schema as kube-apiserver's strict decoder does, honouring
// `fieldValidation` (Strict: unknown fields are a 400; Warn: a Warning header; Ignore: dropped).
import type { TSchema } from '@sinclair/typebox';
import { parse as parseYaml } from 'yaml';
import { ApiError, errors } from '../../machinery/errors.js';
import { collectRefs, walk } from './schema-walk.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function parseFieldValidation(v: string | null): FieldValidation {
  if (v === null || v === '') return 'Warn'; // kube-apiserver's default when the client says nothing
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw errors.badRequest(`fieldValidation must be one of "Ignore", "Strict", "Warn" or empty, got "${v}"`);
}

/** The media type without parameters, lower-cased ("application/json"). */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  const semi = contentType.indexOf(';');
  return (semi >= 0 ? contentType.slice(0, semi) : contentType).trim().toLowerCase();
}

export type ProtobufDecoder = (buf: Buffer, schemaFor: (apiVersion: string, kind: string) => TSchema | undefined) => object;

export interface ParseOptions {
  protobuf?: ProtobufDecoder;
  schemaFor?: (apiVersion: string, kind: string) => TSchema | undefined;
}

/** Raw body to a JSON value; no schema checks. Missing Content-Type is JSON (kubectl scale sends none). */
export function parseBody(buf: Buffer, contentType: string | undefined, opts: ParseOptions = {}): unknown {
  const mt = mediaType(contentType);
  if (mt === 'application/vnd.kubernetes.protobuf') {
    if (!opts.protobuf) throw errors.unsupportedMediaType(mt);
    try {
      return opts.protobuf(buf, opts.schemaFor ?? (() => undefined));
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw errors.badRequest(`the body of the request could not be decoded as protobuf: ${(err as Error).message}`);
    }
  }
  const text = buf.toString('utf8');
  if (mt === 'application/yaml' || mt === 'application/apply-patch+yaml' || mt === 'text/yaml' || mt === 'application/x-yaml') {
    try {
      checkYamlDepth(text);
      return parseYaml(text);
    } catch (err) {
      throw errors.badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (mt === '' || mt === 'application/json' || mt === '*/*' || mt === 'application/merge-patch+json' ||
      mt === 'application/json-patch+json' || mt === 'application/strategic-merge-patch+json' || mt === 'text/plain') {
    if (text.trim() === '') throw errors.badRequest('the body of the request is empty');
    try {
      return JSON.parse(text);
    } catch (err) {
      throw errors.badRequest(`the body of the request could not be decoded as JSON: ${(err as Error).message}`);
    }
  }
  throw errors.unsupportedMediaType(mt);
}

/** Flow collections nested deeper than this are refused before parsing: the YAML parser takes
 *  seconds (blocking the server) on a 10,000-deep "[[[[...]]]]", and no real manifest comes close. */
export const MAX_YAML_FLOW_DEPTH = 1000;

function checkYamlDepth(text: string): void {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t' || text[i - 1] === '\n')) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_YAML_FLOW_DEPTH) throw new Error(`yaml: exceeded max depth of ${MAX_YAML_FLOW_DEPTH}`);
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
}

const refCache = new WeakMap<TSchema, Map<string, TSchema>>();
function refsOf(schema: TSchema): Map<string, TSchema> {
  let m = refCache.get(schema);
  if (!m) {
    m = collectRefs(schema);
    refCache.set(schema, m);
  }
  return m;
}

export interface TypedDecodeOptions {
  schema: TSchema;
  kind: string;
  /** "v1", "apps/v1" */
  apiVersion: string;
  fieldValidation: FieldValidation;
}

export interface Decoded<T = Record<string, unknown>> {
  obj: T;
  /** Warning texts for the `Warning: 299` header (unknown fields in Warn mode). */
  warnings: string[];
}

/**
 * A parsed body checked against the resource's schema. apiVersion/kind may be absent (the URL
 * says what it is), but when present they must match the URL's.
 */
export function decodeTyped(value: unknown, o: TypedDecodeOptions): Decoded {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw errors.badRequest(`${o.kind} in version "${versionOf(o.apiVersion)}" cannot be handled as a ${o.kind}: the body must be a JSON object`);
  }
  const obj = value as Record<string, unknown>;
  if (obj.apiVersion !== undefined && obj.apiVersion !== o.apiVersion || obj.kind !== undefined && obj.kind !== o.kind) {
    const gotKind = obj.kind ?? o.kind;
    const gotVersion = obj.apiVersion ?? o.apiVersion;
    throw errors.badRequest(`the API version in the data (${String(gotVersion)}) does not match the expected API version (${o.apiVersion})` +
      (gotKind !== o.kind ? `; kind ${JSON.stringify(gotKind)} does not match the expected kind ${JSON.stringify(o.kind)}` : ''));
  }
  const res = walk(obj, o.schema, { dropUnknown: o.fieldValidation !== 'Strict', refs: refsOf(o.schema) });
  if (res.mismatches.length) {
    throw errors.badRequest(`${o.kind} in version "${versionOf(o.apiVersion)}" cannot be handled as a ${o.kind}: ${res.mismatches[0]}`);
  }
  const warnings: string[] = [];
  if (res.unknown.length) {
    if (o.fieldValidation === 'Strict') {
      throw errors.badRequest(`strict decoding error: ${res.unknown.map((p) => `unknown field "${p}"`).join(', ')}`);
    }
    if (o.fieldValidation === 'Warn') for (const p of res.unknown) warnings.push(`unknown field "${p}"`);
  }
  // apiVersion and kind first, as Kubernetes serialises objects.
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  const out: Record<string, unknown> = { apiVersion: o.apiVersion, kind: o.kind, ...rest };
  if (typeof out.metadata !== 'object' || out.metadata === null) out.metadata = {};
  return { obj: out, warnings };
}

function versionOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i >= 0 ? apiVersion.slice(i + 1) : apiVersion;
}

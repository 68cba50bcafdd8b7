// Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), decoded into the
// same JSON form a JSON client would have sent. kubectl 1.32+ sends its `create <kind>` objects this
// way and never falls back (see shared/reference/kubectl-wire.md §21).
//
// Envelope: 4 magic bytes "k8s\0", then a runtime.Unknown message {1: typeMeta {1: apiVersion,
// 2: kind}, 2: raw (the object's own message), 3: contentEncoding, 4: contentType}. The object's
// message is decoded by walking its TypeBox schema, whose properties carry their protobuf field
// numbers (`x-pb`) and special encodings (`x-pb-type`); see src/api/schema.ts.
import protobuf from 'protobufjs/minimal.js';
import type { TSchema } from '@sinclair/typebox';
import { ApiError, errors } from '../../machinery/errors.js';
import { embeddedMessages } from '../../api/core/v1/pb-embed.js';

const { Reader } = protobuf;
type ReaderT = protobuf.Reader;

export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** Go's proto encoding writes non-pointer fields even when they hold the zero value, while JSON
 *  omits them. Zero values are therefore dropped, except for these fields, which are pointers in
 *  Kubernetes' Go types: for them "present and zero" means something (replicas: 0). */
const POINTER_FIELDS = new Set([
  'replicas', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'revisionHistoryLimit',
  'progressDeadlineSeconds', 'automountServiceAccountToken', 'enableServiceLinks', 'immutable',
  'readOnlyRootFilesystem', 'runAsNonRoot', 'runAsUser', 'runAsGroup', 'fsGroup', 'privileged',
  'allowPrivilegeEscalation', 'optional', 'defaultMode', 'mode', 'expirationSeconds', 'backoffLimit',
  'completions', 'parallelism', 'suspend', 'ttlSecondsAfterFinished', 'startingDeadlineSeconds',
  'successfulJobsHistoryLimit', 'failedJobsHistoryLimit', 'priority', 'shareProcessNamespace',
  'setHostnameAsFQDN', 'hostUsers', 'deletionGracePeriodSeconds', 'controller', 'blockOwnerDeletion',
  'gracePeriodSeconds', 'value', 'allocateLoadBalancerNodePorts', 'publishNotReadyAddresses',
  'leaseDurationSeconds', 'leaseTransitions', 'ready', 'serving', 'terminating', 'port',
]);

interface Field {
  name: string;
  schema: TSchema;
}

function schemaKeys(s: TSchema): Record<string, unknown> {
  return s as unknown as Record<string, unknown>;
}

/** Index an object schema's properties by protobuf field number (cached on the schema). */
const fieldIndex = new WeakMap<object, Map<number, Field>>();
function fieldsOf(schema: TSchema): Map<number, Field> {
  let idx = fieldIndex.get(schema);
  if (idx) return idx;
  idx = new Map();
  const props = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  for (const [name, s] of Object.entries(props)) {
    const n = schemaKeys(s)['x-pb'];
    if (typeof n === 'number') idx.set(n, { name, schema: s });
  }
  fieldIndex.set(schema, idx);
  return idx;
}

function fail(message: string): ApiError {
  return errors.badRequest(`the protobuf body could not be decoded: ${message}`);
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  return (v as { toNumber(): number }).toNumber();
}

/** Go formats metav1.Time as RFC 3339 in UTC at second precision. */
function formatTime(seconds: number, nanos: number, micro: boolean): string {
  const d = new Date(seconds * 1000);
  const base = d.toISOString().slice(0, 19);
  if (!micro) return base + 'Z';
  return `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

function readTimestamp(r: ReaderT, end: number): { seconds: number; nanos: number } {
  let seconds = 0;
  let nanos = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) seconds = toNumber(r.int64());
    else if (tag >>> 3 === 2) nanos = r.int32();
    else r.skipType(tag & 7);
  }
  return { seconds, nanos };
}

function readSubmessage<T>(r: ReaderT, fn: (end: number) => T): T {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) throw fail('truncated message');
  const v = fn(end);
  r.pos = end;
  return v;
}

function itemSchema(s: TSchema): TSchema | undefined {
  return (s as { items?: TSchema }).items;
}

function mapValueSchema(s: TSchema): TSchema | undefined {
  const pp = (s as { patternProperties?: Record<string, TSchema> }).patternProperties;
  return pp ? Object.values(pp)[0] : undefined;
}

function isObjectSchema(s: TSchema): boolean {
  return schemaKeys(s).type === 'object' && (s as { properties?: unknown }).properties !== undefined;
}

function isMapSchema(s: TSchema): boolean {
  return schemaKeys(s).type === 'object' && (s as { patternProperties?: unknown }).patternProperties !== undefined;
}

/** Decode one value of the given schema at the reader's position (tag already consumed). */
function readValue(r: ReaderT, wire: number, s: TSchema, depth: number): unknown {
  if (depth > 64) throw fail('nesting too deep');
  const k = schemaKeys(s);
  const pbType = k['x-pb-type'] as string | undefined;
  switch (pbType) {
    case 'time':
    case 'microtime':
      return readSubmessage(r, (end) => {
        const t = readTimestamp(r, end);
        return t.seconds === 0 && t.nanos === 0 ? undefined : formatTime(t.seconds, t.nanos, pbType === 'microtime');
      });
    case 'quantity':
      return readSubmessage(r, (end) => {
        let str = '';
        while (r.pos < end) {
          const tag = r.uint32();
          if (tag >>> 3 === 1) str = r.string();
          else r.skipType(tag & 7);
        }
        return str;
      });
    case 'intorstring':
      return readSubmessage(r, (end) => {
        let type = 0;
        let intVal = 0;
        let strVal = '';
        while (r.pos < end) {
          const tag = r.uint32();
          const f = tag >>> 3;
          if (f === 1) type = toNumber(r.int64());
          else if (f === 2) intVal = r.int32();
          else if (f === 3) strVal = r.string();
          else r.skipType(tag & 7);
        }
        return type === 1 ? strVal : intVal;
      });
    case 'bytes':
      return Buffer.from(r.bytes()).toString('base64');
    case 'duration':
      return readSubmessage(r, (end) => {
        let ns = 0;
        while (r.pos < end) {
          const tag = r.uint32();
          if (tag >>> 3 === 1) ns = toNumber(r.int64());
          else r.skipType(tag & 7);
        }
        return `${ns / 1e9}s`;
      });
    case 'rawextension':
      return readSubmessage(r, (end) => {
        let raw: Uint8Array | undefined;
        while (r.pos < end) {
          const tag = r.uint32();
          if (tag >>> 3 === 1) raw = r.bytes();
          else r.skipType(tag & 7);
        }
        if (!raw || raw.length === 0) return undefined;
        try {
          return JSON.parse(Buffer.from(raw).toString('utf8'));
        } catch {
          throw fail('an embedded raw object is not JSON');
        }
      });
    case 'bool':
      return r.bool();
    case 'int32':
      return r.int32();
    case 'int64':
      return toNumber(r.int64());
    case 'double':
      return wire === WIRE_FIXED32 ? r.float() : r.double();
  }
  if (isObjectSchema(s)) return readSubmessage(r, (end) => readMessage(r, end, s, depth + 1));
  // Free-form objects (fieldsV1, preserve-unknown-fields): FieldsV1 {1: Raw JSON}.
  if (k.type === 'object' && !isMapSchema(s)) {
    return readSubmessage(r, (end) => {
      let raw: Uint8Array | undefined;
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag >>> 3 === 1) raw = r.bytes();
        else r.skipType(tag & 7);
      }
      if (!raw || raw.length === 0) return {};
      try {
        return JSON.parse(Buffer.from(raw).toString('utf8'));
      } catch {
        throw fail('an embedded raw object is not JSON');
      }
    });
  }
  if (k.type === 'string') return r.string();
  if (k.type === 'boolean') return r.bool();
  if (k.type === 'integer') return toNumber(r.int64());
  if (k.type === 'number') return wire === WIRE_FIXED64 ? r.double() : wire === WIRE_FIXED32 ? r.float() : toNumber(r.int64());
  throw fail(`no protobuf decoding for a field of schema ${JSON.stringify(k.type ?? k.anyOf ? 'union' : 'unknown')}`);
}

function isZero(v: unknown): boolean {
  return v === undefined || v === '' || v === 0 || v === false;
}

/** Protobuf merge semantics for a message that arrives in several pieces: repeated fields
 *  concatenate, maps and nested messages merge, scalars take the last value. */
function mergeInto(out: Record<string, unknown>, add: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(add)) {
    const prev = out[k];
    if (Array.isArray(prev) && Array.isArray(v)) out[k] = [...prev, ...v];
    else if (isPlainObject(prev) && isPlainObject(v)) mergeInto(prev, v);
    else out[k] = v;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readMessage(r: ReaderT, end: number, schema: TSchema, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fields = fieldsOf(schema);
  while (r.pos < end) {
    const tag = r.uint32();
    const n = tag >>> 3;
    const wire = tag & 7;
    const f = fields.get(n);
    if (!f) {
      // An embedded Go struct (ProbeHandler in Probe, VolumeSource in Volume) is its own message on
      // the wire but flat in JSON: decode it and lift its properties into this object.
      const embedded = wire === WIRE_LEN ? embeddedMessages(schema).get(n) : undefined;
      if (embedded) {
        const inner = readSubmessage(r, (e) => readMessage(r, e, embedded, depth + 1));
        mergeInto(out, inner);
        continue;
      }
      // A field this build does not know: skip it, as a Go client of an older version would.
      r.skipType(wire);
      continue;
    }
    const fk = schemaKeys(f.schema);
    if (fk.type === 'array') {
      const item = itemSchema(f.schema);
      if (!item) throw fail(`list ${f.name} has no item schema`);
      const list = (out[f.name] as unknown[] | undefined) ?? [];
      const ik = schemaKeys(item);
      const scalarNumeric = ik.type === 'integer' || ik.type === 'number' || ik.type === 'boolean';
      if (wire === WIRE_LEN && scalarNumeric) {
        // Packed repeated scalars.
        readSubmessage(r, (e) => {
          while (r.pos < e) list.push(readValue(r, WIRE_VARINT, item, depth));
        });
      } else {
        list.push(readValue(r, wire, item, depth));
      }
      out[f.name] = list;
      continue;
    }
    if (isMapSchema(f.schema)) {
      const valueSchema = mapValueSchema(f.schema);
      if (!valueSchema) throw fail(`map ${f.name} has no value schema`);
      const map = (out[f.name] as Record<string, unknown> | undefined) ?? {};
      readSubmessage(r, (e) => {
        let key = '';
        let value: unknown = schemaKeys(valueSchema)['x-pb-type'] === 'bytes' ? '' : schemaKeys(valueSchema).type === 'string' ? '' : undefined;
        while (r.pos < e) {
          const t = r.uint32();
          if (t >>> 3 === 1) key = r.string();
          else if (t >>> 3 === 2) value = readValue(r, t & 7, valueSchema, depth);
          else r.skipType(t & 7);
        }
        map[key] = value ?? {};
      });
      out[f.name] = map;
      continue;
    }
    const v = readValue(r, wire, f.schema, depth);
    if (v === undefined) continue;
    if (isZero(v) && !POINTER_FIELDS.has(f.name)) {
      delete out[f.name];
      continue;
    }
    out[f.name] = v;
  }
  return out;
}

export interface DecodedEnvelope {
  apiVersion: string;
  kind: string;
  raw: Buffer;
}

/** Split the `k8s\0` + runtime.Unknown envelope. */
export function decodeEnvelope(buf: Buffer): DecodedEnvelope {
  if (buf.length < 4 || !buf.subarray(0, 4).equals(PROTOBUF_MAGIC)) throw fail('missing the "k8s\\x00" prefix');
  const r = Reader.create(buf.subarray(4));
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      const n = tag >>> 3;
      if (n === 1) {
        readSubmessage(r, (end) => {
          while (r.pos < end) {
            const t = r.uint32();
            if (t >>> 3 === 1) apiVersion = r.string();
            else if (t >>> 3 === 2) kind = r.string();
            else r.skipType(t & 7);
          }
        });
      } else if (n === 2) raw = Buffer.from(r.bytes());
      else r.skipType(tag & 7);
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw fail((e as Error).message);
  }
  if (!kind) throw fail('the envelope names no kind');
  return { apiVersion, kind, raw };
}

/** Decode a protobuf request body into the object's JSON form (with apiVersion and kind set). */
export function decodeProtobufBody(buf: Buffer, schemaFor: (apiVersion: string, kind: string) => TSchema | undefined): Record<string, unknown> {
  const env = decodeEnvelope(buf);
  const schema = schemaFor(env.apiVersion, env.kind);
  if (!schema) throw errors.badRequest(`no kind "${env.kind}" is registered for version "${env.apiVersion}"`);
  const r = Reader.create(env.raw);
  let body: Record<string, unknown>;
  try {
    body = readMessage(r, r.len, schema, 0);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw fail((e as Error).message);
  }
  return { apiVersion: env.apiVersion, kind: env.kind, ...body };
}

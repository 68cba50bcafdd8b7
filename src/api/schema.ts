// One declaration per API type yields its static TypeScript type (TypeBox `Static`), its runtime
// shape (strict decoding: unknown fields, wrong types), its OpenAPI v3 schema, its strategic-merge
// patch metadata and its protobuf field numbers. Kubernetes' own extension keys are kept as the
// OpenAPI document spells them; our protobuf facts live under `x-pb*` keys, stripped from OpenAPI.
//
// Conventions (every type under src/api follows them):
// - A named type has `$id` = its OpenAPI definition name, e.g. "io.k8s.api.core.v1.Container";
//   the OpenAPI renderer turns nested `$id` schemas into `$ref`s to components.
// - Every property that exists in Kubernetes' protobuf carries `x-pb` = its field number in the
//   parent message (k8s.io/api/.../generated.proto).
// - Lists that merge by key carry `x-kubernetes-patch-merge-key` / `x-kubernetes-patch-strategy`
//   (and `x-kubernetes-list-type` / `x-kubernetes-list-map-keys` for server-side apply).
// - Special encodings are marked with `x-pb-type`: 'quantity', 'time', 'microtime', 'intorstring',
//   'bytes' (base64 in JSON), 'rawextension', 'duration'; maps with `x-pb-map` ('string' values by default).
import { Type, type TSchema, type SchemaOptions, type Static } from '@sinclair/typebox';

export { Type, type TSchema, type Static };

export const K8S_EXT = {
  mergeKey: 'x-kubernetes-patch-merge-key',
  strategy: 'x-kubernetes-patch-strategy',
  listType: 'x-kubernetes-list-type',
  listMapKeys: 'x-kubernetes-list-map-keys',
  mapType: 'x-kubernetes-map-type',
  intOrString: 'x-kubernetes-int-or-string',
  preserveUnknown: 'x-kubernetes-preserve-unknown-fields',
  gvk: 'x-kubernetes-group-version-kind',
} as const;

export type PbType = 'quantity' | 'time' | 'microtime' | 'intorstring' | 'bytes' | 'rawextension' | 'duration' | 'int64' | 'int32' | 'bool' | 'double';

/** Attach a protobuf field number to a property schema (keeps the schema's own options). */
export function pb<T extends TSchema>(n: number, schema: T): T {
  (schema as Record<string, unknown>)['x-pb'] = n;
  return schema;
}

/** An optional property with protobuf field number n. */
export function opt<T extends TSchema>(n: number, schema: T) {
  return Type.Optional(pb(n, schema));
}

/** A required property with protobuf field number n. */
export function req<T extends TSchema>(n: number, schema: T): T {
  return pb(n, schema);
}

export const str = (o: SchemaOptions = {}) => Type.String(o);
export const bool = (o: SchemaOptions = {}) => Type.Boolean({ ...o, 'x-pb-type': 'bool' });
export const int32 = (o: SchemaOptions = {}) => Type.Integer({ format: 'int32', ...o, 'x-pb-type': 'int32' });
export const int64 = (o: SchemaOptions = {}) => Type.Integer({ format: 'int64', ...o, 'x-pb-type': 'int64' });
export const double = (o: SchemaOptions = {}) => Type.Number({ format: 'double', ...o, 'x-pb-type': 'double' });
/** metav1.Time: RFC 3339 string in JSON, Timestamp{seconds,nanos} in protobuf. */
export const time = (o: SchemaOptions = {}) => Type.String({ format: 'date-time', ...o, 'x-pb-type': 'time' });
export const microTime = (o: SchemaOptions = {}) => Type.String({ format: 'date-time', ...o, 'x-pb-type': 'microtime' });
/** resource.Quantity: "100m", "1Gi"; a number is accepted on input too. */
export const quantity = (o: SchemaOptions = {}) =>
  Type.Union([Type.String(), Type.Number()], { ...o, 'x-pb-type': 'quantity', 'x-k8ts-openapi': { type: 'string', format: 'quantity' } });
/** intstr.IntOrString. */
export const intOrString = (o: SchemaOptions = {}) =>
  Type.Union([Type.Integer(), Type.String()], { ...o, 'x-pb-type': 'intorstring', [K8S_EXT.intOrString]: true, 'x-k8ts-openapi': { type: 'string', format: 'int-or-string', [K8S_EXT.intOrString]: true } });
/** []byte: base64 string in JSON. */
export const bytes = (o: SchemaOptions = {}) => Type.String({ format: 'byte', ...o, 'x-pb-type': 'bytes' });
export const stringMap = (o: SchemaOptions = {}) => Type.Record(Type.String(), Type.String(), o);
export const quantityMap = (o: SchemaOptions = {}) => Type.Record(Type.String(), quantity(), o);
/** A list merged by key in strategic merge patch (e.g. containers by "name"). */
export function mergeList<T extends TSchema>(item: T, mergeKey: string, o: SchemaOptions = {}, listMapKeys: string[] = [mergeKey]) {
  return Type.Array(item, { ...o, [K8S_EXT.mergeKey]: mergeKey, [K8S_EXT.strategy]: 'merge', [K8S_EXT.listType]: 'map', [K8S_EXT.listMapKeys]: listMapKeys });
}
/** A list replaced whole by patches (atomic). */
export function atomicList<T extends TSchema>(item: T, o: SchemaOptions = {}) {
  return Type.Array(item, { ...o, [K8S_EXT.listType]: 'atomic' });
}
/** A list of scalars merged as a set (e.g. finalizers). */
export function setList<T extends TSchema>(item: T, o: SchemaOptions = {}) {
  return Type.Array(item, { ...o, [K8S_EXT.strategy]: 'merge', [K8S_EXT.listType]: 'set' });
}

/** A named object type: additionalProperties false so strict decoding reports unknown fields. */
export function object<P extends Record<string, TSchema>>(id: string, properties: P, description = '') {
  return Type.Object(properties, { $id: id, description, additionalProperties: false });
}

// Go structs that embed another struct (`LocalObjectReference` inside `ConfigMapKeySelector`,
// `ProbeHandler` inside `Probe`, `VolumeSource` inside `Volume`, `EphemeralContainerCommon` inside
// `EphemeralContainer`) are flat in JSON but nested in protobuf: the embedded struct is its own
// message at one field number of the parent. A flat JSON property living in such an embedded
// message carries `x-pb-embed: [parentField, ownField]` INSTEAD of `x-pb`: it is field `ownField`
// of the message found at field `parentField` of the parent. Properties sharing `parentField` are
// encoded together as one nested message. (No `x-pb` on purpose: a codec that does not know
// `x-pb-embed` skips the nested message rather than decoding it into the wrong property.)
import { Type, type TSchema } from '../../schema.js';

export const PB_EMBED = 'x-pb-embed';

/** An optional property stored as field `n` of the embedded message at parent field `embedField`. */
export function emb<T extends TSchema>(embedField: number, n: number, schema: T) {
  (schema as Record<string, unknown>)[PB_EMBED] = [embedField, n];
  return Type.Optional(schema);
}

const embedCache = new WeakMap<object, Map<number, TSchema>>();

/**
 * For codecs: the embedded messages of an object schema, by parent field number. Each is a
 * synthetic object schema whose properties are the flat JSON properties living in that message,
 * each carrying its own `x-pb` number. Decoding field `n` of the parent with `embedded.get(n)` and
 * merging the result into the parent object gives the flat JSON form; encoding does the reverse.
 */
export function embeddedMessages(schema: TSchema): Map<number, TSchema> {
  const cached = embedCache.get(schema);
  if (cached) return cached;
  const groups = new Map<number, Record<string, TSchema>>();
  const props = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  for (const [name, prop] of Object.entries(props)) {
    const pos = (prop as Record<string, unknown>)[PB_EMBED];
    if (!Array.isArray(pos)) continue;
    const [parent, own] = pos as [number, number];
    const copy = { ...(prop as Record<string, unknown>), 'x-pb': own } as Record<string, unknown>;
    delete copy[PB_EMBED];
    if (!groups.has(parent)) groups.set(parent, {});
    groups.get(parent)![name] = copy as unknown as TSchema;
  }
  const out = new Map<number, TSchema>();
  for (const [parent, properties] of groups) out.set(parent, Type.Object(properties, { additionalProperties: false }));
  embedCache.set(schema, out);
  return out;
}

// How API objects sit in the store: JSON without metadata.resourceVersion (the store's
// modRevision is the resourceVersion; keeping it in the value would make every value stale).
//
// An object read back gets its resourceVersion as the LAST key of metadata (decodeKv), so its JSON
// is the stored text with `"resourceVersion":"N"` spliced in before metadata's closing brace. The
// encoder notes where that brace is, so the JSON a client receives (the create response, every
// watch event and list item built from the watch cache) is spliced from the stored text instead
// of serialising the object a second and third time. The note is keyed by the very Buffer handed
// to the store (which passes it on unchanged to watchers); a store that transforms values
// (encryption) simply finds no note, and the JSON is built the old way.
import type { KeyValue } from '../../storage/types.js';
import type { KubeObject } from '../../api/resource.js';

/** Where metadata's closing brace is in a stored value's text, for values this module encoded. */
const metadataEnds = new WeakMap<Buffer, number>();

/** The stored text of an object, and where its metadata closes (-1 when it cannot be spliced). */
interface StoredText {
  text: string;
  metaEnd: number;
}

function storedText(obj: KubeObject): StoredText {
  const meta = obj.metadata as Record<string, unknown> | undefined;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta) || Object.getPrototypeOf(meta) !== Object.prototype || 'resourceVersion' in meta) {
    // Rare shapes (a resourceVersion key kept in place, say): the plain encoding, no splice.
    if (meta && typeof meta === 'object' && meta.resourceVersion !== undefined) {
      const { resourceVersion: _rv, ...rest } = meta;
      return { text: JSON.stringify({ ...obj, metadata: rest }), metaEnd: -1 };
    }
    return { text: JSON.stringify(obj), metaEnd: -1 };
  }
  // JSON.stringify(obj), one top-level key at a time (same keys, same order, undefined values
  // left out), so the offset of metadata's end is known.
  const src = obj as unknown as Record<string, unknown>;
  let text = '{';
  let metaEnd = -1;
  for (const k of Object.keys(src)) {
    const v = JSON.stringify(src[k]);
    if (v === undefined) continue;
    if (text.length > 1) text += ',';
    text += JSON.stringify(k) + ':';
    if (k === 'metadata') metaEnd = text.length + v.length - 1;
    text += v;
  }
  return { text: text + '}', metaEnd };
}

/** text with "resourceVersion" added as metadata's last key (what JSON.stringify(decodeKv(...)) gives). */
function splice(text: string, metaEnd: number, rv: string): string {
  const empty = text.charCodeAt(metaEnd - 1) === 0x7b; // "{}": no comma before the new key
  return `${text.slice(0, metaEnd)}${empty ? '' : ','}"resourceVersion":${JSON.stringify(rv)}${text.slice(metaEnd)}`;
}

export function encodeObject(obj: KubeObject): Buffer {
  const s = storedText(obj);
  const value = Buffer.from(s.text);
  if (s.metaEnd >= 0) metadataEnds.set(value, s.metaEnd);
  return value;
}

/**
 * The stored bytes of an object and a way to get its JSON once the store has given it a
 * resourceVersion, without serialising it again: `json(rv)` is JSON.stringify of the object with
 * metadata.resourceVersion = rv set after encoding (undefined when the shape does not allow it).
 */
export function encodeObjectWithJson(obj: KubeObject): { value: Buffer; json(rv: string): string | undefined } {
  const s = storedText(obj);
  const value = Buffer.from(s.text);
  if (s.metaEnd >= 0) metadataEnds.set(value, s.metaEnd);
  return { value, json: (rv) => (s.metaEnd >= 0 ? splice(s.text, s.metaEnd, rv) : undefined) };
}

/** The stored object with resourceVersion = the key's modRevision. */
export function decodeKv(kv: KeyValue, revision = kv.modRevision): KubeObject {
  const obj = JSON.parse(kv.value.toString('utf8')) as KubeObject;
  if (!obj.metadata) obj.metadata = {};
  obj.metadata.resourceVersion = String(revision);
  return obj;
}

/**
 * The JSON of decodeKv(kv) (resourceVersion = modRevision, metadata's last key) without parsing,
 * when the value was encoded here; undefined otherwise. JSON.parse of it equals decodeKv(kv).
 */
export function jsonOfStored(kv: KeyValue): string | undefined {
  const metaEnd = metadataEnds.get(kv.value);
  return metaEnd === undefined ? undefined : splice(kv.value.toString('utf8'), metaEnd, String(kv.modRevision));
}

/** JSON of objects just written, keyed by the object (see writtenJson). */
const written = new WeakMap<KubeObject, { rv: string; json: string }>();

/** Notes the JSON of an object just written (its resourceVersion set) for the response. */
export function rememberWrittenJson(obj: KubeObject, json: string | undefined): void {
  if (json !== undefined && obj.metadata.resourceVersion !== undefined) written.set(obj, { rv: obj.metadata.resourceVersion, json });
}

/**
 * The JSON noted by rememberWrittenJson, if the object still has the resourceVersion it was written
 * with. For the response written right after the write: whoever changes the object in between
 * must not use it.
 */
export function writtenJson(obj: KubeObject): string | undefined {
  const w = written.get(obj);
  return w && w.rv === obj.metadata.resourceVersion ? w.json : undefined;
}

/** Deep copy of a JSON value (objects served from caches must never be mutated in place). */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

// An object's JSON for an answer, straight from its stored bytes: the stored JSON lacks only
// metadata.resourceVersion (codec.ts), so writing that one field into the bytes gives the same
// object as decoding and re-encoding it, at a fraction of the cost. A list of 10,000 pods from
// the store spent most of its time in JSON.parse and JSON.stringify of objects nobody looked at.
//
// The splice is only done where it is certain to be right: compact JSON as JSON.stringify wrote
// it, a top-level "metadata" object, and no "resourceVersion" anywhere in the text (so no
// duplicate key can arise). Anything else gives undefined and the caller decodes as before.
// Scanning bytes is safe for UTF-8: every byte of a multi-byte character is >= 0x80, so it can
// never be taken for a quote, backslash, brace or bracket.
import type { KeyValue } from '../../storage/types.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const METADATA_KEY = Buffer.from('"metadata"');
const RESOURCE_VERSION_KEY = Buffer.from('"resourceVersion"');

/**
 * The stored object's JSON with metadata.resourceVersion = revision, as three pieces to be
 * written back to back (two of them views of the stored value, not copies), or undefined if unsure.
 */
export function storedObjectJsonParts(kv: KeyValue, revision = kv.modRevision): [Buffer, Buffer, Buffer] | undefined {
  const value = kv.value;
  if (value.indexOf(RESOURCE_VERSION_KEY) >= 0) return undefined;
  const at = metadataBodyStart(value);
  if (at < 0) return undefined;
  const field = Buffer.from(`"resourceVersion":"${revision}"${value[at] === CLOSE_OBJECT ? '' : ','}`, 'latin1');
  return [value.subarray(0, at), field, value.subarray(at)];
}

/** The same, as one string (single-object answers). */
export function storedObjectJson(kv: KeyValue, revision = kv.modRevision): string | undefined {
  const parts = storedObjectJsonParts(kv, revision);
  return parts && Buffer.concat(parts).toString('utf8');
}

/**
 * The index just past `{` of the top-level "metadata" object, or -1. Walks the structure only
 * between strings (each string is skipped with one indexOf), so the cost is the number of
 * tokens before metadata, which comes early in objects written by the API server.
 */
export function metadataBodyStart(json: Buffer): number {
  if (json[0] !== OPEN_OBJECT) return -1;
  let depth = 0;
  const n = json.length;
  for (let i = 0; i < n; i++) {
    const c = json[i];
    if (c === QUOTE) {
      const start = i;
      i = stringEnd(json, i);
      if (i < 0) return -1;
      // A key is followed directly by ':' (compact JSON); a value never is.
      if (depth === 1 && i - start === 9 && json[i + 1] === COLON && METADATA_KEY.equals(json.subarray(start, i + 1))) {
        return json[i + 2] === OPEN_OBJECT ? i + 3 : -1;
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return -1;
}

/** Index of the quote closing the string that opens at `open`, or -1. */
function stringEnd(json: Buffer, open: number): number {
  let i = open;
  for (;;) {
    i = json.indexOf(QUOTE, i + 1);
    if (i < 0) return -1;
    // Escaped if preceded by an odd number of backslashes.
    let backslashes = 0;
    for (let j = i - 1; json[j] === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
}

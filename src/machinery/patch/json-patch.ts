// RFC 6902 JSON patch (application/json-patch+json), answered as kube-apiserver does: a body that
// is not a list of operation objects is 400; more than 10000 operations is 413; an operation that
// cannot apply (failed test, missing path, unknown op) is 422; a result that is not an object is 422.
import jsonPatch from 'fast-json-patch';
import { ApiError } from '../errors.js';
import { badPatch, isPlainObject, parsePatchBody, undecodablePatched, unprocessablePatch } from './patch-errors.js';

/** kube-apiserver's limit on operations in one JSON patch. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

export function applyJsonPatch(original: object, patchBody: unknown): Record<string, unknown> {
  const ops = parsePatchBody(patchBody);
  if (!Array.isArray(ops)) throw badPatch(`json: cannot unmarshal ${jsonKind(ops)} into Go value of type jsonpatch.Patch`);
  for (const op of ops) {
    if (!isPlainObject(op)) throw badPatch(`json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`);
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  }
  let result: unknown;
  try {
    // validate=true makes fast-json-patch refuse ops on missing paths instead of creating them;
    // mutateDocument=false keeps the caller's object untouched.
    result = jsonPatch.applyPatch(original, ops as jsonPatch.Operation[], true, false).newDocument;
  } catch (e) {
    throw unprocessablePatch((e as Error).message.split('\n')[0]);
  }
  if (!isPlainObject(result)) throw undecodablePatched(result, `json: cannot unmarshal ${jsonKind(result)} into Go value of type map[string]interface {}`);
  return result;
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

// RFC 7386 JSON merge patch (application/merge-patch+json): objects merge key by key, null removes
// a key, anything else (lists included) replaces. Errors as kube-apiserver: a null or scalar patch
// is 400 "Invalid JSON Patch"; a list patch replaces the whole object and fails to decode (422).
import { badPatch, isPlainObject, parsePatchBody, undecodablePatched } from './patch-errors.js';

export function applyMergePatch(original: object, patchBody: unknown): Record<string, unknown> {
  const patch = parsePatchBody(patchBody);
  if (Array.isArray(patch)) throw undecodablePatched(withoutNulls(patch), 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  if (!isPlainObject(patch)) throw badPatch('Invalid JSON Patch');
  return mergeObject(structuredClone(original) as Record<string, unknown>, patch);
}

/** Merges `patch` into `target` (mutated and returned). */
export function mergeObject(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  for (const [k, pv] of Object.entries(patch)) {
    if (pv === null) {
      delete target[k];
    } else if (isPlainObject(pv)) {
      const tv = target[k];
      target[k] = mergeObject(isPlainObject(tv) ? tv : {}, pv);
    } else {
      target[k] = withoutNulls(structuredClone(pv));
    }
  }
  return target;
}

/** A value copied from a merge patch keeps no null members (RFC 7386 §2, as evanphx/json-patch prunes them). */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x);
    return out;
  }
  return v;
}

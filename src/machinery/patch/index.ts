// PATCH bodies by Content-Type, as kube-apiserver accepts them. Server-side apply
// (application/apply-patch+yaml) needs field ownership, so it lives in ../apply.
import type { TSchema } from '@sinclair/typebox';
import { ApiError } from '../errors.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { applyStrategicMergePatch, supportsStrategicMerge } from './strategic-merge.js';

export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch, supportsStrategicMerge } from './strategic-merge.js';

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export type PatchType = (typeof PATCH_TYPES)[keyof typeof PATCH_TYPES];

/** The media type without parameters ("; charset=utf-8"), lower-cased. */
export function patchMediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** Patch types served for a type: strategic merge only where the schema carries patch metadata. */
export function supportedPatchTypes(schema: TSchema | undefined): PatchType[] {
  return supportsStrategicMerge(schema)
    ? [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.strategic, PATCH_TYPES.apply]
    : [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply];
}

/** 415 as negotiation.NewUnsupportedMediaTypeError words it for PATCH. */
export function unsupportedPatchType(schema: TSchema | undefined): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${supportedPatchTypes(schema).join(', ')}`);
}

/**
 * Applies a JSON patch, merge patch or strategic merge patch to `original` (not mutated) and returns
 * the patched object. `patchBody` may be the raw bytes/text or the parsed JSON. Throws ApiError:
 * 400/413/422 for bad patches, 415 for a type this resource does not accept. Apply patches
 * (application/apply-patch+yaml) are refused here: call serverSideApply from ../apply instead.
 */
export function applyPatch(contentType: string, original: object, patchBody: unknown, schema: TSchema | undefined): object {
  const type = patchMediaType(contentType);
  switch (type) {
    case PATCH_TYPES.json:
      return applyJsonPatch(original, patchBody);
    case PATCH_TYPES.merge:
      return applyMergePatch(original, patchBody);
    case PATCH_TYPES.strategic:
      if (!schema || !supportsStrategicMerge(schema)) throw unsupportedPatchType(schema);
      return applyStrategicMergePatch(original, patchBody, schema);
    case PATCH_TYPES.apply:
      throw new Error('applyPatch: apply patches need field ownership; use serverSideApply from machinery/apply');
    default:
      throw unsupportedPatchType(schema);
  }
}

// PATCH bodies: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and strategic merge patch,
// applied by the machinery (src/machinery/patch); this maps failures to Status errors.
import type { TSchema } from '@sinclair/typebox';
import { ApiError, errors } from '../../machinery/errors.js';
import { applyPatch } from '../../machinery/patch/index.js';

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/** RFC 7386 merge of plain JSON values (used where no schema applies). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const base: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete base[k];
    else base[k] = mergePatch(base[k], v);
  }
  return base;
}

/** The patched object; throws 400/415/422 ApiErrors for malformed or failing patches. */
export async function applyPatchBody(mediaType: string, original: object, patch: unknown, schema: TSchema | undefined): Promise<object> {
  try {
    return applyPatch(mediaType, original, patch, schema);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw errors.badRequest(`error applying patch: ${(err as Error).message}`);
  }
}

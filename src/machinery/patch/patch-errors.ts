// The Status errors kube-apiserver answers for patches it cannot use (handlers/patch.go):
// an undecodable patch is 400 BadRequest with the decoder's message; a patch that decodes but
// cannot apply is 422 built by NewGenericServerResponse, whose message is a fixed sentence (the
// underlying reason is dropped from the Status; we keep it as the error's `cause` for logs).
import { ApiError } from '../errors.js';
import { invalidError } from '../field-errors.js';
import { fieldErrors } from '../field-errors.js';

export function badPatch(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function unprocessablePatch(reason: string): ApiError {
  const err = new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  (err as Error & { cause?: unknown }).cause = new Error(reason);
  return err;
}

/** The patched document does not decode into the object (e.g. the patch replaced it with a list). */
export function undecodablePatched(patched: unknown, why: string): ApiError {
  return invalidError('', '', [fieldErrors.invalid('patch', JSON.stringify(patched), why)]);
}

/** Patch bodies arrive as bytes, text or already-parsed JSON. */
export function parsePatchBody(body: unknown): unknown {
  let text: string | undefined;
  if (typeof body === 'string') text = body;
  else if (body instanceof Uint8Array) text = Buffer.from(body).toString('utf8');
  if (text === undefined) return body;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badPatch(`error decoding patch: ${(e as Error).message}`);
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepCopy<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

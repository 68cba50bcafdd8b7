// List continuation tokens in Kubernetes' shape: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"..."}
// where start is the key (relative to the resource's prefix) the next page begins at.
import { errors } from '../../machinery/errors.js';

export interface ContinueToken {
  rv: number;
  /** Relative key; the next page holds keys >= start. */
  start: string;
}

export function encodeContinue(rv: number, lastRelativeKey: string): string {
  // "\u0000" after the last returned key: the next page starts right after it.
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: lastRelativeKey + '\u0000' })).toString('base64url');
}

export function decodeContinue(token: string): ContinueToken {
  let parsed: { v?: string; rv?: number; start?: string };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw errors.badRequest(`continue key is not valid: illegal base64 data or not JSON`);
  }
  if (parsed.v !== 'meta.k8s.io/v1') throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof parsed.rv !== 'number' || parsed.rv <= 0) throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof parsed.start !== 'string' || parsed.start === '' || parsed.start.includes('..') || parsed.start.startsWith('/')) {
    throw errors.badRequest('continue key is not valid: encoded start key is not valid');
  }
  return { rv: parsed.rv, start: parsed.start };
}

export const CONTINUE_EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

// resourceVersion strings and list `continue` tokens. A resourceVersion is the decimal form of the
// store revision; a continue token is base64url(JSON {v, rv, start}) exactly as the apiserver's
// storage layer encodes it, so tokens look and fail the way clients expect.
import { errors, type ApiError } from './errors.js';

const MAX_UINT64 = 18446744073709551615n;

/**
 * Parse a resourceVersion given by a client ("" and "0" mean "any"/unset -> 0).
 * Returns a number (revisions stay far below 2^53). Invalid -> 400 with Kubernetes' message.
 */
export function parseResourceVersion(rv: string | undefined | null): number {
  if (rv == null || rv === '' || rv === '0') return 0;
  let err: string | undefined;
  if (!/^[0-9]+$/.test(rv)) err = 'invalid syntax';
  else if (BigInt(rv) > MAX_UINT64) err = 'value out of range';
  if (err) {
    // storage.NewInvalidError over field.Invalid("resourceVersion", rv, strconv's error), wrapped by the store.
    throw errors.badRequest(`invalid resource version: resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: ${err}`);
  }
  const n = BigInt(rv);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw errors.badRequest(`invalid resource version: resourceVersion: Invalid value: ${JSON.stringify(rv)}: value out of range`);
  return Number(n);
}

/** The resourceVersion string for a store revision. */
export function formatResourceVersion(revision: number | bigint): string {
  return BigInt(revision).toString(10);
}

/** Decoded continue token: where the next page starts and at which revision the list is served. */
export interface ContinueToken {
  /** Revision of the first page: later pages are served from it (a negative value means "latest"). */
  rv: number;
  /** The next key to return, relative to the resource's key prefix (never starts with "/"). */
  start: string;
}

/** EncodeContinue: base64url (no padding) of {"v":"meta.k8s.io/v1","rv":rv,"start":key}. */
export function encodeContinue(token: ContinueToken): string {
  const json = JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.rv, start: token.start });
  return Buffer.from(json, 'utf8').toString('base64url');
}

function invalidContinue(detail: string): ApiError {
  return errors.badRequest(`invalid continue token: ${detail}`);
}

/** path.Clean for an absolute path, enough to detect "..", "." and "//" in a start key. */
function cleanAbs(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

/**
 * DecodeContinue. Garbage, another encoding version, rv 0, an empty start key or a start key that
 * climbs out of the prefix ("../x") all give 400 "invalid continue token: continue key is not valid...".
 */
export function decodeContinue(token: string): ContinueToken {
  if (!/^[A-Za-z0-9_-]*$/.test(token) || token.length % 4 === 1) {
    throw invalidContinue('continue key is not valid: illegal base64 data at input byte ' + firstBadBase64Byte(token));
  }
  const data = Buffer.from(token, 'base64url').toString('utf8');
  let c: unknown;
  try {
    c = JSON.parse(data);
  } catch (e) {
    throw invalidContinue(`continue key is not valid: ${(e as Error).message}`);
  }
  const o = (c && typeof c === 'object' ? c : {}) as { v?: unknown; rv?: unknown; start?: unknown };
  if (o.rv !== undefined && !(typeof o.rv === 'number' && Number.isInteger(o.rv))) {
    throw invalidContinue('continue key is not valid: json: cannot unmarshal ' + (typeof o.rv === 'string' ? 'string' : typeof o.rv) + ' into Go struct field continueToken.rv of type int64');
  }
  const v = typeof o.v === 'string' ? o.v : '';
  if (v !== 'meta.k8s.io/v1') throw invalidContinue(`continue key is not valid: server does not recognize this encoded version ${v}`);
  const rv = (o.rv as number | undefined) ?? 0;
  if (rv === 0) throw invalidContinue('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  const start = typeof o.start === 'string' ? o.start : '';
  if (start === '') throw invalidContinue('continue key is not valid: encoded start key empty (version meta.k8s.io/v1)');
  const key = start.startsWith('/') ? start : '/' + start;
  if (cleanAbs(key) !== key) throw invalidContinue(`continue key is not valid: ${start}`);
  return { rv, start: key.slice(1) };
}

function firstBadBase64Byte(s: string): number {
  for (let i = 0; i < s.length; i++) if (!/[A-Za-z0-9_-]/.test(s[i]!)) return i;
  return s.length - 1;
}

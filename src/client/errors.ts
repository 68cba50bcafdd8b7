// How the client reports failure: an ApiError carrying the server's Status (code, reason,
// message, details) for every non-2xx answer, a ConnectionError when no answer came at all, and
// the predicates controllers branch on (not found, conflict, expired...).
import { ApiError, type Status, type StatusReason } from '../machinery/errors.js';

const REASONS: Record<number, StatusReason> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  406: 'NotAcceptable', 409: 'Conflict', 410: 'Gone', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType',
  422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

/** A transport failure: no HTTP answer was received. */
export class ConnectionError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
    this.name = 'ConnectionError';
  }
}

/** The Status in a non-2xx answer as an ApiError (a synthesized one when the body is not a Status). */
export function apiErrorFromResponse(code: number, text: string): ApiError {
  let body: Partial<Status> | undefined;
  try { body = JSON.parse(text) as Partial<Status>; } catch { body = undefined; }
  if (body && body.kind === 'Status') {
    return new ApiError(body.code || code, body.reason ?? REASONS[code] ?? '', body.message ?? '', body.details);
  }
  const reason = REASONS[code] ?? (code >= 500 ? 'InternalError' : '');
  return new ApiError(code, reason, text.trim() || `the server responded with HTTP ${code}`);
}

export function isApiError(err: unknown, code?: number): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}

export const isNotFound = (err: unknown) => isApiError(err, 404);
export const isConflict = (err: unknown) => isApiError(err, 409) && (err as ApiError).reason === 'Conflict';
export const isAlreadyExists = (err: unknown) => isApiError(err, 409) && (err as ApiError).reason === 'AlreadyExists';
/** 410: the requested history is gone (watch or continue token too old): relist. */
export const isExpired = (err: unknown) => isApiError(err, 410);

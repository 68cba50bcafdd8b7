// Small HTTP helpers: bounded body reading, JSON answers, Status errors and Warning headers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, errors } from '../machinery/errors.js';
import { isStoreError } from '../storage/types.js';

/** kube-apiserver's request body limit (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(errors.tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(errors.tooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => { if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)); });
    req.on('error', (e) => { if (!failed) { failed = true; reject(e); } });
  });
}

function warningHeader(warnings: string[]): string[] {
  return warnings.map((w) => `299 - ${JSON.stringify(w)}`);
}

export function writeJson(res: ServerResponse, code: number, body: unknown | string | Buffer, warnings: string[] = []): void {
  // A Buffer is JSON already encoded (large lists: rest/list-body.ts).
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const headers: Record<string, string | string[] | number> = {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  };
  if (warnings.length) headers['Warning'] = warningHeader(warnings);
  res.writeHead(code, headers);
  res.end(text);
}

/** Maps anything thrown to an ApiError; unexpected errors become a logged 500. */
export function toApiError(err: unknown, log?: (msg: string, f?: Record<string, unknown>) => void): ApiError {
  if (err instanceof ApiError) return err;
  if (isStoreError(err)) {
    switch (err.code) {
      case 'TooLarge': return errors.tooLarge(err.message);
      case 'Compacted': return errors.expired(err.message);
      case 'Unavailable': case 'Closed': return errors.serviceUnavailable(err.message);
      case 'FutureRevision': return errors.timeout(`Too large resource version: ${err.message}`);
      default: break;
    }
  }
  log?.('internal error', { err: err instanceof Error ? err.stack ?? err.message : String(err) });
  return errors.internal(err instanceof Error ? err.message : String(err));
}

export function writeError(res: ServerResponse, err: unknown, warnings: string[] = [], log?: (msg: string, f?: Record<string, unknown>) => void): void {
  const e = toApiError(err, log);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string | string[]> = {};
  if (e.details?.retryAfterSeconds) headers['Retry-After'] = String(e.details.retryAfterSeconds);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  writeJson(res, e.code, e.toStatus(), warnings);
}

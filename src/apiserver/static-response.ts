// Answers for the server's fixed documents (discovery, OpenAPI, /version): computed once, sent
// with an ETag so kubectl's HTTP cache can revalidate them with If-None-Match and get a 304.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A route function: answers the request and returns true, or returns false to let the next one try. */
export type RouteFn = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;

/** A strong ETag for a body: quoted hex digest. */
export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
}

/** True when If-None-Match names this ETag (or is `*`). */
export function notModified(req: IncomingMessage, etag: string): boolean {
  const inm = req.headers['if-none-match'];
  if (!inm) return false;
  const tags = inm.split(',').map((t) => t.trim().replace(/^W\//, ''));
  return tags.includes(etag) || tags.includes('*');
}

export interface CachedBody {
  body: Buffer;
  etag: string;
  contentType: string;
}

export function cachedBody(body: string | Buffer, contentType: string): CachedBody {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  return { body: buf, etag: etagOf(buf), contentType };
}

/** Sends a fixed document: 304 when the client already holds it, the body otherwise (none for HEAD). */
export function sendCached(req: IncomingMessage, res: ServerResponse, doc: CachedBody, headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('ETag', doc.etag);
  if (notModified(req, doc.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', doc.contentType);
  res.setHeader('Content-Length', String(doc.body.length));
  res.end(req.method === 'HEAD' ? undefined : doc.body);
}

/** A plain answer with no caching (health checks, errors). */
export function sendText(res: ServerResponse, code: number, contentType: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.statusCode = code;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  res.end(body);
}

/** A 404 Status as Kubernetes sends for a path it does not serve. */
export function sendNotFound(res: ServerResponse): void {
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 };
  sendText(res, 404, 'application/json', JSON.stringify(status));
}

export function isReadMethod(req: IncomingMessage): boolean {
  return req.method === 'GET' || req.method === 'HEAD';
}

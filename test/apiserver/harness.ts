// A real API server over a real SQLite store on a free port, torn down completely by stop().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import type { Store } from '../../src/storage/types.js';
import { createApiServer, type ApiServerOptions, type ApiServer } from '../../src/apiserver/server.js';
import { testResources } from './fixtures.js';

export interface Harness {
  base: string;
  port: number;
  store: Store;
  server: ApiServer;
  dir: string;
  logs: string[];
  stop(): Promise<void>;
  req(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

export async function startHarness(opts: Partial<ApiServerOptions> = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-apiserver-test-'));
  let store: Store;
  try {
    store = openSqliteStore({ path: join(dir, 'store.db') });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const logs: string[] = [];
  const server = createApiServer({ store, resources: testResources, log: (msg, f) => logs.push(JSON.stringify({ msg, ...f })), ...opts });
  let port: number;
  try {
    port = await server.listen(0, '127.0.0.1');
  } catch (err) {
    await server.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const base = `http://127.0.0.1:${port}`;
  const agent = new http.Agent({ keepAlive: true });
  return {
    base, port, store, server, dir, logs,
    async stop() {
      agent.destroy();
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
    req(method, path, body, headers = {}) {
      return request(agent, base, method, path, body, headers);
    },
  };
}

export function request(agent: http.Agent | undefined, base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const h: Record<string, string> = { ...headers };
    if (data !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
    if (data !== undefined) h['Content-Length'] = String(Buffer.byteLength(data));
    const r = http.request(base + path, { method, headers: h, agent, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`request ${method} ${path} timed out`)));
    r.on('error', reject);
    if (data !== undefined) r.write(data);
    r.end();
  });
}

/** An open watch stream: events as they arrive, with deadline-bound waits. */
export interface WatchStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: any[];
  ended: boolean;
  next(timeoutMs?: number): Promise<any>;
  waitFor(pred: (ev: any) => boolean, timeoutMs?: number): Promise<any>;
  waitEnd(timeoutMs?: number): Promise<void>;
  close(): void;
}

export function openWatch(base: string, path: string, headers: Record<string, string> = {}): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const r = http.request(base + path, { method: 'GET', headers }, (res) => {
      const events: any[] = [];
      let buf = '';
      let cursor = 0;
      const listeners = new Set<() => void>();
      const notify = () => { for (const l of [...listeners]) l(); };
      const stream: WatchStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        ended: false,
        next(timeoutMs = 5000) {
          return stream.waitFor(() => true, timeoutMs);
        },
        waitFor(pred, timeoutMs = 5000) {
          return new Promise((res2, rej2) => {
            const check = () => {
              while (cursor < events.length) {
                const ev = events[cursor++];
                if (pred(ev)) { done(); res2(ev); return true; }
              }
              if (stream.ended) { done(); rej2(new Error('watch ended while waiting')); return true; }
              return false;
            };
            const timer = setTimeout(() => { done(); rej2(new Error(`no matching watch event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.type))}`)); }, timeoutMs);
            const done = () => { clearTimeout(timer); listeners.delete(listener); };
            const listener = () => { check(); };
            listeners.add(listener);
            check();
          });
        },
        waitEnd(timeoutMs = 5000) {
          return new Promise((res2, rej2) => {
            if (stream.ended) { res2(); return; }
            const timer = setTimeout(() => { listeners.delete(l); rej2(new Error('watch did not end in time')); }, timeoutMs);
            const l = () => { if (stream.ended) { clearTimeout(timer); listeners.delete(l); res2(); } };
            listeners.add(l);
          });
        },
        close() { r.destroy(); },
      };
      res.on('data', (c: Buffer) => {
        buf += c.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) events.push(JSON.parse(line));
        }
        notify();
      });
      const end = () => { stream.ended = true; notify(); };
      res.on('end', end);
      res.on('close', end);
      res.on('error', end);
      resolve(stream);
    });
    r.on('error', reject);
    r.end();
  });
}

export const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(extra.metadata as object ?? {}) },
  spec: { containers: [{ name: 'main', image: 'nginx' }], ...(extra.spec as object ?? {}) },
});

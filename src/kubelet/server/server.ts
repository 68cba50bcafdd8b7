// The kubelet's HTTP(S) server (upstream: pkg/kubelet/server/server.go), the part the API server
// proxies `kubectl logs`, `exec`, `attach` and `port-forward` to:
//   GET /containerLogs/{ns}/{pod}/{container}?follow&previous&tailLines&sinceSeconds&sinceTime&timestamps&limitBytes
//   GET|POST /exec|/attach/{ns}/{pod}/{container}, /portForward/{ns}/{pod}  (Upgrade: SPDY/3.1 or websocket; streams.ts)
// Logs are read from the CRI log files the runtime writes (<logRoot>/<ns>_<pod>_<uid>/<container>/<attempt>.log).
// With `auth`, every request is authenticated and authorized first (auth.ts); with `tls`, it serves
// HTTPS and asks for client certificates so the authenticator can read them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { podLogDir } from '../pods/sandbox-config.js';
import type { KubeletLog } from '../types.js';
import { parseCriLog, renderLogs, type LogLine } from './cri-log.js';
import { checkAccess, type KubeletAuth } from './auth.js';
import { HttpError, parseBool, resolveContainer, serveAttach, serveExec, servePortForward, type StreamDeps } from './streams.js';

export type { KubeletAuth } from './auth.js';

export interface KubeletServerOptions {
  runtime: ContainerRuntime;
  logRoot: string;
  /** The pods this kubelet runs, by namespace and name. */
  findPod(namespace: string, name: string): Pod | undefined;
  log: KubeletLog;
  /** Poll period of `follow` (default 250 ms). */
  followPollMs?: number;
  /** This node's name: the `name` requests are authorized against (required with auth). */
  nodeName?: string;
  /** Authentication and authorization of every request; absent: everyone is served. */
  auth?: KubeletAuth;
  /** Serve HTTPS. clientCA: the CA client certificates are checked against (they stay optional). */
  tls?: { cert: Buffer | string; key: Buffer | string; clientCA?: Buffer | string };
}

export interface KubeletServer {
  port: number;
  /** "https" when serving TLS. */
  scheme: 'http' | 'https';
  close(): Promise<void>;
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new HttpError(400, `${name}: invalid value ${JSON.stringify(v)}`);
  return n;
}

/** The log files of one container, oldest attempt first. */
export async function containerLogFiles(logRoot: string, pod: Pod, container: string): Promise<string[]> {
  const dir = join(podLogDir(logRoot, pod), container);
  let names: string[];
  try { names = await readdir(dir); } catch { return []; }
  return names
    .map((n) => /^(\d+)\.log$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => join(dir, m[0]));
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };

function splitPath(pathname: string): string[] {
  return pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
}

export async function startKubeletServer(o: KubeletServerOptions & { port: number; host: string }): Promise<KubeletServer> {
  const sockets = new Set<Socket>();
  const stops = new Set<() => void>();

  const deps: StreamDeps = { runtime: o.runtime, findPod: o.findPod, log: o.log };
  const resolvePod = (ns: string, name: string, container: string): Pod => resolveContainer(deps, ns, name, container);

  async function serveLogs(req: IncomingMessage, res: ServerResponse, parts: string[], q: URLSearchParams): Promise<void> {
    if (parts.length !== 4) throw new HttpError(404, 'expected /containerLogs/{namespace}/{pod}/{container}');
    const [, ns, name, container] = parts as [string, string, string, string];
    const pod = resolvePod(ns, name, container);
    const files = await containerLogFiles(o.logRoot, pod, container);
    const previous = parseBool(q.get('previous'));
    const file = previous ? files[files.length - 2] : files[files.length - 1];
    if (!file) {
      throw new HttpError(400, previous
        ? `previous terminated container "${container}" in pod "${name}" not found`
        : `container "${container}" in pod "${name}" is waiting to start: no logs yet`);
    }
    const tailLines = intParam(q, 'tailLines');
    const limitBytes = intParam(q, 'limitBytes');
    const sinceSeconds = intParam(q, 'sinceSeconds');
    const timestamps = parseBool(q.get('timestamps'));
    let sinceTime = q.get('sinceTime') ?? undefined;
    if (sinceSeconds !== undefined) sinceTime = new Date(Date.now() - sinceSeconds * 1000).toISOString();
    const fh = await open(file, 'r');
    try {
      const content = (await fh.readFile()).toString('utf8');
      // Only whole records are rendered now; a trailing partial record waits for follow.
      const cut = content.lastIndexOf('\n') + 1;
      let offset = Buffer.byteLength(content.slice(0, cut));
      const text = renderLogs(parseCriLog(content.slice(0, cut)), { tailLines, timestamps, sinceTime, limitBytes });
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache' });
      res.flushHeaders();
      let sent = Buffer.byteLength(text);
      if (text) res.write(text);
      const follow = parseBool(q.get('follow')) && !previous;
      if (!follow || (limitBytes !== undefined && sent >= limitBytes)) { res.end(); return; }
      // Follow: poll the file for new whole records until the client leaves, the pod goes, or a newer
      // attempt's file appears (the container restarted: kubectl's stream ends as upstream's does).
      await new Promise<void>((resolve) => {
        let busy = false;
        const finish = (): void => { clearInterval(timer); stops.delete(finish); if (!res.writableEnded) res.end(); resolve(); };
        const tick = async (): Promise<void> => {
          if (busy) return;
          busy = true;
          try {
            const size = (await fh.stat()).size;
            if (size > offset) {
              const buf = Buffer.alloc(size - offset);
              await fh.read(buf, 0, buf.length, offset);
              const end = buf.lastIndexOf(0x0a) + 1;
              if (end > 0) {
                offset += end;
                const lines: LogLine[] = parseCriLog(buf.subarray(0, end).toString('utf8'));
                let chunk = renderLogs(lines, { timestamps, sinceTime });
                if (limitBytes !== undefined && sent + Buffer.byteLength(chunk) > limitBytes) {
                  chunk = Buffer.from(chunk).subarray(0, limitBytes - sent).toString('utf8');
                }
                sent += Buffer.byteLength(chunk);
                if (chunk) res.write(chunk);
                if (limitBytes !== undefined && sent >= limitBytes) { finish(); return; }
              }
            } else {
              const now = await containerLogFiles(o.logRoot, pod, container);
              if (!o.findPod(ns, name) || (now.length > 0 && now[now.length - 1] !== file)) { finish(); return; }
            }
          } catch {
            finish();
            return;
          } finally {
            busy = false;
          }
        };
        const timer = setInterval(() => { void tick(); }, o.followPollMs ?? 250);
        stops.add(finish);
        res.once('close', finish);
      });
    } finally {
      await fh.close();
    }
  }

  const streamers: Record<string, typeof serveExec> = { exec: serveExec, attach: serveAttach, portForward: servePortForward };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const parts = splitPath(url.pathname);
    void (async () => {
      try {
        if (o.auth) {
          const access = await checkAccess(o.auth, req, o.nodeName ?? '');
          if (!access.ok) throw new HttpError(access.code, access.message);
        }
        if (parts[0] === 'healthz') { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('ok'); return; }
        if (parts[0] === 'containerLogs' && req.method === 'GET') { await serveLogs(req, res, parts, url.searchParams); return; }
        if (parts[0] && parts[0] in streamers) throw new HttpError(400, `${parts[0]} needs an upgrade to a streaming protocol (SPDY/3.1 or websocket)`);
        throw new HttpError(404, `${req.method} ${url.pathname}: not found`);
      } catch (err) {
        const code = err instanceof HttpError ? err.code : 500;
        if (!res.headersSent) { res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' }); res.end(`${(err as Error).message}\n`); } else res.destroy();
      }
    })();
  };
  const server: Server = o.tls
    // requestCert without rejecting: clients may also come with a token, or with nothing (then 401).
    ? createHttpsServer({ cert: o.tls.cert, key: o.tls.key, ...(o.tls.clientCA ? { ca: o.tls.clientCA } : {}), requestCert: true, rejectUnauthorized: false }, onRequest)
    : createServer(onRequest);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const parts = splitPath(url.pathname);
    void (async () => {
      try {
        if (o.auth) {
          const access = await checkAccess(o.auth, req, o.nodeName ?? '');
          if (!access.ok) throw new HttpError(access.code, access.message);
        }
        const serve = parts[0] ? streamers[parts[0]] : undefined;
        if (!serve) throw new HttpError(404, `${url.pathname}: not found`);
        await serve(deps, req, socket, head, parts, url.searchParams);
      } catch (err) {
        const code = err instanceof HttpError ? err.code : 500;
        const body = `${(err as Error).message}\n`;
        if (!socket.destroyed) socket.end(`HTTP/1.1 ${code} ${STATUS_TEXT[code] ?? 'Internal Server Error'}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      }
    })();
  });
  server.on('connection', (s: Socket) => { sockets.add(s); s.once('close', () => sockets.delete(s)); });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    scheme: o.tls ? 'https' : 'http',
    close: () => new Promise<void>((resolve) => {
      for (const f of [...stops]) f();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
}

/** Finds a pod this kubelet runs by namespace and name. */
export function podFinder(pods: { desiredUids(): string[]; pod(uid: string): Pod | undefined }): (ns: string, name: string) => Pod | undefined {
  return (ns, name) => {
    for (const uid of pods.desiredUids()) {
      const p = pods.pod(uid);
      if (p && p.metadata.name === name && (p.metadata.namespace ?? 'default') === ns) return p;
    }
    return undefined;
  };
}

// The kubelet's HTTP server (upstream: pkg/kubelet/server/server.go), the part the API server
// proxies `kubectl logs` and `kubectl exec` to:
//   GET /containerLogs/{ns}/{pod}/{container}?follow&previous&tailLines&sinceSeconds&sinceTime&timestamps&limitBytes
//   GET|POST /exec/{ns}/{pod}/{container}?command=..&stdin&stdout&stderr&tty  (Upgrade: SPDY/3.1 or websocket)
// Logs are read from the CRI log files the runtime writes (<logRoot>/<ns>_<pod>_<uid>/<container>/<attempt>.log);
// exec asks CRI for a streaming URL and splices the upgraded connection onto it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { proxyUpgrade } from '../runtime/streaming.js';
import { podLogDir } from '../pods/sandbox-config.js';
import { CONTAINER_NAME, POD_UID } from '../pods/labels.js';
import type { KubeletLog } from '../types.js';
import { parseCriLog, renderLogs, type LogLine } from './cri-log.js';

export interface KubeletServerOptions {
  runtime: ContainerRuntime;
  logRoot: string;
  /** The pods this kubelet runs, by namespace and name. */
  findPod(namespace: string, name: string): Pod | undefined;
  log: KubeletLog;
  /** Poll period of `follow` (default 250 ms). */
  followPollMs?: number;
}

export interface KubeletServer {
  port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly code: number, message: string) { super(message); }
}

function parseBool(v: string | null): boolean {
  return v === 'true' || v === '1';
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

function splitPath(pathname: string): string[] {
  return pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
}

export async function startKubeletServer(o: KubeletServerOptions & { port: number; host: string }): Promise<KubeletServer> {
  const sockets = new Set<Socket>();
  const stops = new Set<() => void>();

  const resolvePod = (ns: string, name: string, container: string): Pod => {
    const pod = o.findPod(ns, name);
    if (!pod) throw new HttpError(404, `pod "${name}" not found in namespace "${ns}" on this node`);
    const spec = pod.spec as { containers?: { name: string }[]; initContainers?: { name: string }[] } | undefined;
    const names = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].map((c) => c.name);
    if (!names.includes(container)) throw new HttpError(400, `container ${container} is not valid for pod ${name}`);
    return pod;
  };

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

  async function serveExec(req: IncomingMessage, socket: Duplex, head: Buffer, parts: string[], q: URLSearchParams): Promise<void> {
    if (parts.length !== 4) throw new HttpError(404, 'expected /exec/{namespace}/{pod}/{container}');
    const [, ns, name, container] = parts as [string, string, string, string];
    const pod = resolvePod(ns, name, container);
    const cmd = q.getAll('command');
    if (cmd.length === 0) throw new HttpError(400, 'you must specify at least one command for the container');
    const running = await o.runtime.listContainers({ state: 'CONTAINER_RUNNING', labelSelector: { [POD_UID]: pod.metadata.uid ?? '', [CONTAINER_NAME]: container } });
    const c = running[0];
    if (!c) throw new HttpError(400, `container ${container} is not running in pod ${name}`);
    const tty = parseBool(q.get('tty'));
    const { url } = await o.runtime.exec({
      containerId: c.id, cmd, tty,
      stdin: parseBool(q.get('stdin')), stdout: parseBool(q.get('stdout')),
      // With a TTY, stderr is merged into stdout (CRI refuses both).
      stderr: !tty && parseBool(q.get('stderr')),
    });
    o.log('exec', { pod: `${ns}/${name}`, container, cmd: cmd.join(' ') });
    await proxyUpgrade(req, socket, head, url);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const parts = splitPath(url.pathname);
    void (async () => {
      try {
        if (parts[0] === 'healthz') { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('ok'); return; }
        if (parts[0] === 'containerLogs' && req.method === 'GET') { await serveLogs(req, res, parts, url.searchParams); return; }
        if (parts[0] === 'exec') throw new HttpError(400, 'exec needs an upgrade to a streaming protocol (SPDY/3.1 or websocket)');
        throw new HttpError(404, `${req.method} ${url.pathname}: not found`);
      } catch (err) {
        const code = err instanceof HttpError ? err.code : 500;
        if (!res.headersSent) { res.writeHead(code, { 'Content-Type': 'text/plain' }); res.end(`${(err as Error).message}\n`); } else res.destroy();
      }
    })();
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const parts = splitPath(url.pathname);
    void (async () => {
      try {
        if (parts[0] !== 'exec') throw new HttpError(404, `${url.pathname}: not found`);
        await serveExec(req, socket, head, parts, url.searchParams);
      } catch (err) {
        const code = err instanceof HttpError ? err.code : 500;
        const body = `${(err as Error).message}\n`;
        if (!socket.destroyed) socket.end(`HTTP/1.1 ${code} ${code === 404 ? 'Not Found' : code === 400 ? 'Bad Request' : 'Internal Server Error'}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
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

// One check or hook action, run as the kubelet runs it: exec through the runtime (ExecSync),
// httpGet from the kubelet to the pod's IP (or the node's, for hostNetwork pods), tcpSocket as a
// plain connect, sleep. Results carry the output Kubernetes shows in "probe failed: ..." events.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Container } from '../../api/core/v1/container.js';
import type { ContainerRuntime } from '../runtime/types.js';

export interface Action {
  exec?: { command?: string[] };
  httpGet?: { path?: string; port?: number | string; host?: string; scheme?: string; httpHeaders?: { name?: string; value?: string }[] };
  tcpSocket?: { port?: number | string; host?: string };
  sleep?: { seconds?: number };
}

export interface ActionTarget {
  runtime: ContainerRuntime;
  containerId: string;
  container: Container;
  /** Where httpGet/tcpSocket go when the action names no host. */
  host: string;
}

export interface ActionResult { ok: boolean; output: string }

export const PROBE_USER_AGENT = 'kube-probe/1.32';

/** A port by number, or by the name of one of the container's ports. */
export function resolvePort(port: number | string | undefined, c: Container): number {
  if (typeof port === 'number') return port;
  if (port === undefined || port === '') throw new Error('port is required');
  if (/^\d+$/.test(port)) return Number(port);
  const p = (c.ports ?? []).find((x) => x.name === port);
  if (!p) throw new Error(`couldn't find port: ${port} in ${c.name}`);
  return p.containerPort ?? 0;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export async function runAction(a: Action, t: ActionTarget, timeoutSeconds: number): Promise<ActionResult> {
  if (a.exec) {
    const cmd = a.exec.command ?? [];
    try {
      const r = await t.runtime.execSync(t.containerId, cmd, timeoutSeconds);
      const output = Buffer.concat([r.stdout, r.stderr]).toString('utf8');
      if (r.exitCode === 0) return { ok: true, output };
      return { ok: false, output: output || `command ${JSON.stringify(cmd.join(' '))} exited with ${r.exitCode}` };
    } catch (err) {
      const msg = (err as Error).message ?? String(err);
      return { ok: false, output: /deadline|timeout|timed out/i.test(msg) ? `command timed out: "${cmd.join(' ')}" timed out after ${timeoutSeconds}s` : msg };
    }
  }
  if (a.httpGet) return httpGet(a.httpGet, t, timeoutSeconds);
  if (a.tcpSocket) {
    let port: number;
    try { port = resolvePort(a.tcpSocket.port, t.container); } catch (err) { return { ok: false, output: (err as Error).message }; }
    return tcp(a.tcpSocket.host || t.host, port, timeoutSeconds);
  }
  if (a.sleep) {
    await new Promise((r) => setTimeout(r, (a.sleep!.seconds ?? 0) * 1000));
    return { ok: true, output: '' };
  }
  return { ok: false, output: 'missing probe handler' };
}

function httpGet(h: NonNullable<Action['httpGet']>, t: ActionTarget, timeoutSeconds: number): Promise<ActionResult> {
  let port: number;
  try { port = resolvePort(h.port, t.container); } catch (err) { return Promise.resolve({ ok: false, output: (err as Error).message }); }
  const scheme = (h.scheme ?? 'HTTP').toLowerCase();
  const path = h.path ? (h.path.startsWith('/') ? h.path : `/${h.path}`) : '/';
  const url = `${scheme}://${hostPort(h.host || t.host, port)}${path}`;
  const headers: Record<string, string> = { 'User-Agent': PROBE_USER_AGENT, Accept: '*/*' };
  for (const x of h.httpHeaders ?? []) if (x.name) headers[x.name] = x.value ?? '';
  return new Promise((resolve) => {
    const mod = scheme === 'https' ? https : http;
    let done = false;
    const finish = (r: ActionResult) => { if (!done) { done = true; clearTimeout(timer); resolve(r); } };
    // Probes do not verify certificates (as the kubelet), and never keep connections.
    const req = mod.get(url, { headers, agent: false, rejectUnauthorized: false } as https.RequestOptions, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => { if (size < 10 * 1024) { chunks.push(d); size += d.length; } });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        const body = Buffer.concat(chunks).toString('utf8').slice(0, 10 * 1024);
        if (code >= 200 && code < 400) finish({ ok: true, output: body });
        else finish({ ok: false, output: `HTTP probe failed with statuscode: ${code}` });
      });
      res.on('error', (err) => finish({ ok: false, output: err.message }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ ok: false, output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    }, timeoutSeconds * 1000);
    req.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.message;
      finish({ ok: false, output: `Get "${url}": dial tcp ${hostPort(h.host || t.host, port)}: ${why}` });
    });
  });
}

function tcp(host: string, port: number, timeoutSeconds: number): Promise<ActionResult> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => { sock.destroy(); resolve({ ok: false, output: `dial tcp ${hostPort(host, port)}: i/o timeout` }); }, timeoutSeconds * 1000);
    sock.once('connect', () => { clearTimeout(timer); sock.destroy(); resolve({ ok: true, output: '' }); });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, output: `dial tcp ${hostPort(host, port)}: ${err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.message}` });
    });
  });
}

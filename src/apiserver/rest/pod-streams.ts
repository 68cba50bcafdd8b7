// pods/log, exec, attach and portforward (upstream: pkg/registry/core/pod/rest/log.go and
// subresources.go): find the pod's node, then proxy to that node's kubelet (status.addresses
// InternalIP, port status.daemonEndpoints.kubeletEndpoint.Port): logs as a streamed text/plain
// answer, the others as an upgraded connection spliced byte for byte (API server -> kubelet ->
// runtime streaming server). With ctx.kubeletClient the kubelet is reached over HTTPS with this
// server's client certificate (as kube-apiserver's --kubelet-client-certificate does).
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { KubeObject } from '../../api/resource.js';
import { ApiError, errors } from '../../machinery/errors.js';
import type { RequestContext, ServerContext } from '../context.js';
import { decodeKv } from '../storage/codec.js';
import { objectKey } from '../storage/keys.js';
import { routeRequest } from '../router.js';
import { toApiError } from '../http.js';
import { tunnelPortForward, wantsPortForwardTunnel } from './portforward-tunnel.js';

interface PodShape extends KubeObject {
  spec?: { nodeName?: string; containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
}
interface NodeShape extends KubeObject {
  status?: { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
}

const LOG_INT_PARAMS = ['tailLines', 'sinceSeconds', 'limitBytes'] as const;
const BOOL_PARAMS = ['follow', 'previous', 'timestamps', 'stdin', 'stdout', 'stderr', 'tty'] as const;

async function getPod(ctx: ServerContext, namespace: string, name: string): Promise<PodShape> {
  const pods = ctx.pods;
  if (!pods) throw errors.notFound('pods', name);
  const got = await ctx.store.get(objectKey(pods.def, namespace, name));
  if (!got.kv) throw errors.notFound('pods', name);
  return decodeKv(got.kv) as PodShape;
}

/** The container a request names, or the only one; Kubernetes' messages otherwise. */
export function pickContainer(pod: PodShape, requested: string | null): string {
  const name = pod.metadata.name ?? '';
  const main = (pod.spec?.containers ?? []).map((c) => c.name);
  const all = [...main, ...(pod.spec?.initContainers ?? []).map((c) => c.name), ...(pod.spec?.ephemeralContainers ?? []).map((c) => c.name)];
  if (!requested) {
    if (main.length === 1) return main[0]!;
    throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${main.join(' ')}]`);
  }
  if (!all.includes(requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

/** host:port of the kubelet running the pod. */
async function kubeletOf(ctx: ServerContext, pod: PodShape): Promise<{ host: string; port: number }> {
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw errors.badRequest(`pod ${pod.metadata.name ?? ''} does not have a host assigned`);
  const nodes = ctx.byPath.get('/v1/nodes');
  const got = nodes ? await ctx.store.get(objectKey(nodes.def, undefined, nodeName)) : { kv: undefined };
  if (!got.kv) throw errors.badRequest(`node ${nodeName} of pod ${pod.metadata.name ?? ''} not found`);
  const node = decodeKv(got.kv) as NodeShape;
  const addrs = node.status?.addresses ?? [];
  const host = addrs.find((a) => a.type === 'InternalIP')?.address ?? addrs.find((a) => a.type === 'Hostname')?.address;
  if (!host) throw new ApiError(500, 'InternalError', `node ${nodeName} has no address to reach its kubelet`);
  return { host, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250 };
}

type KubeletClient = NonNullable<ServerContext['kubeletClient']>;

/** TLS options to reach a kubelet: verified against ca when one is given (otherwise not, as upstream without --kubelet-certificate-authority). */
function kubeletTls(kc: KubeletClient): { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean } {
  return { ...(kc.ca ? { ca: kc.ca } : {}), ...(kc.cert ? { cert: kc.cert } : {}), ...(kc.key ? { key: kc.key } : {}), rejectUnauthorized: !!kc.ca };
}

function checkParams(q: URLSearchParams, ints: readonly string[]): void {
  for (const p of ints) {
    const v = q.get(p);
    if (v !== null && !/^-?\d+$/.test(v)) throw errors.badRequest(`${p}: Invalid value: "${v}": must be an integer`);
  }
  for (const p of BOOL_PARAMS) {
    const v = q.get(p);
    if (v !== null && !['true', 'false', '1', '0', ''].includes(v)) throw errors.badRequest(`${p}: Invalid value: "${v}": must be a boolean`);
  }
  const tail = q.get('tailLines');
  if (tail !== null && Number(tail) < 0) throw errors.badRequest('tailLines: Invalid value: must be greater than or equal to 0');
  const lb = q.get('limitBytes');
  if (lb !== null && Number(lb) < 1) throw errors.badRequest('limitBytes: Invalid value: must be greater than 0');
  const ss = q.get('sinceSeconds');
  if (ss !== null && Number(ss) < 1) throw errors.badRequest('sinceSeconds: Invalid value: must be greater than 0');
  if (ss !== null && q.get('sinceTime') !== null) throw errors.badRequest('at most one of sinceTime or sinceSeconds may be specified');
}

/** GET pods/{name}/log: streams the kubelet's containerLogs answer back. */
export async function handlePodLog(rc: RequestContext): Promise<void> {
  const { ctx, res, query: q } = rc;
  checkParams(q, LOG_INT_PARAMS);
  const pod = await getPod(ctx, rc.namespace ?? 'default', rc.name!);
  const container = pickContainer(pod, q.get('container'));
  const { host, port } = await kubeletOf(ctx, pod);
  const out = new URLSearchParams();
  for (const p of ['follow', 'previous', 'timestamps', 'tailLines', 'sinceSeconds', 'sinceTime', 'limitBytes']) {
    const v = q.get(p);
    if (v !== null && v !== '') out.set(p, v);
  }
  const path = `/containerLogs/${encodeURIComponent(rc.namespace ?? 'default')}/${encodeURIComponent(rc.name!)}/${encodeURIComponent(container)}?${out}`;
  await new Promise<void>((resolve, reject) => {
    const kc = ctx.kubeletClient;
    const onResponse = (ur: IncomingMessage): void => {
      up.setTimeout(0);
      if (ur.statusCode !== 200) {
        const chunks: Buffer[] = [];
        ur.on('data', (c: Buffer) => chunks.push(c));
        ur.on('end', () => {
          const msg = Buffer.concat(chunks).toString('utf8').trim() || `kubelet answered ${ur.statusCode}`;
          const code = ur.statusCode ?? 500;
          reject(code === 404 ? new ApiError(404, 'NotFound', msg) : code < 500 ? errors.badRequest(msg) : new ApiError(500, 'InternalError', msg));
        });
        ur.on('error', reject);
        return;
      }
      streamBack(res, ur, () => up.destroy());
      ur.once('end', () => { res.end(); resolve(); });
      ur.once('error', () => { res.destroy(); resolve(); });
      ur.once('close', () => { if (!res.writableEnded) res.end(); resolve(); });
    };
    const up = kc
      ? httpsRequest({ host, port, path, method: 'GET', timeout: 30_000, ...kubeletTls(kc) }, onResponse)
      : httpRequest({ host, port, path, method: 'GET', timeout: 30_000 }, onResponse);
    up.once('timeout', () => up.destroy(new Error(`timed out waiting for the kubelet at ${host}:${port}`)));
    up.once('error', (err) => { if (!res.headersSent) reject(new ApiError(500, 'InternalError', `Get "${kc ? 'https' : 'http'}://${host}:${port}${path}": ${err.message}`)); else { res.destroy(); resolve(); } });
    up.end();
  });
}

function streamBack(res: ServerResponse, ur: IncomingMessage, abort: () => void): void {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
  ur.pipe(res);
  res.once('close', () => { if (!ur.complete) abort(); });
}

/** Channel protocols a runtime streaming server with WebSocket support answers for exec/attach (not v5). */
const WS_CHANNEL_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io', 'base64.channel.k8s.io', 'v4.base64.channel.k8s.io'];
/** The runtime's WebSocket port-forward protocols (channel pairs per port; ports in the URL). */
const WS_PORTFORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io'];

function rejectUpgrade(socket: Duplex, err: unknown): void {
  const e = toApiError(err);
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e.message, reason: e.reason, code: e.code });
  if (!socket.destroyed) socket.end(`HTTP/1.1 ${e.code} ${e.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * WebSocket subprotocols the node's runtime speaks. kubectl 1.30+ offers only v5.channel.k8s.io for
 * exec and attach: that is refused with a 400 so that kubectl falls back to SPDY/3.1, which the
 * runtime does speak. (Its port-forward tunnel, SPDY/3.1+portforward.k8s.io, is served by
 * portforward-tunnel.ts before this check.)
 */
function checkUpgradeProtocol(req: IncomingMessage, sub: string): void {
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (upgrade === 'websocket') {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    const supported = sub === 'portforward' ? WS_PORTFORWARD_PROTOCOLS : WS_CHANNEL_PROTOCOLS;
    const ok = sub === 'portforward' ? offered.length === 0 || offered.some((x) => supported.includes(x)) : offered.some((x) => supported.includes(x));
    if (!ok) throw errors.badRequest(`websocket subprotocols ${offered.join(', ') || '(none)'} are not supported by this node's runtime; use SPDY/3.1 or ${supported[0]}`);
  } else if (!upgrade.startsWith('spdy/')) {
    throw errors.badRequest(`unsupported upgrade protocol ${JSON.stringify(req.headers.upgrade ?? '')}`);
  }
}

/** The ports of a portforward request (`ports`, repeated or comma-separated), checked as the API server does. */
export function portforwardPorts(q: URLSearchParams): number[] {
  return q.getAll('ports').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean).map((v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1 || n > 65535) throw errors.badRequest(`ports: Invalid value: "${v}": must be between 1 and 65535, inclusive`);
    return n;
  });
}

/** The kubelet path (and query) of an exec, attach or portforward request. */
export function kubeletStreamPath(sub: string, namespace: string, name: string, container: string, q: URLSearchParams): string {
  const out = new URLSearchParams();
  const ns = encodeURIComponent(namespace);
  const pod = encodeURIComponent(name);
  if (sub === 'portforward') {
    for (const port of portforwardPorts(q)) out.append('port', String(port));
    const qs = out.toString();
    return `/portForward/${ns}/${pod}${qs ? `?${qs}` : ''}`;
  }
  if (sub === 'exec') for (const c of q.getAll('command')) out.append('command', c);
  for (const p of ['stdin', 'stdout', 'stderr', 'tty']) { const v = q.get(p); if (v !== null) out.set(p, v); }
  return `/${sub}/${ns}/${pod}/${encodeURIComponent(container)}?${out}`;
}

const STREAM_SUBRESOURCES = new Set(['exec', 'attach', 'portforward']);

/**
 * The API server's 'upgrade' listener: pods/exec, pods/attach and pods/portforward (GET or POST
 * with Upgrade) are spliced to the kubelet's /exec, /attach and /portForward. Returns false for
 * any other path (the caller answers it).
 */
export async function handlePodUpgrade(ctx: ServerContext, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean> {
  let url: URL;
  try { url = new URL(req.url ?? '/', 'http://localhost'); } catch { return false; }
  let route;
  try { route = routeRequest(ctx, url.pathname); } catch { return false; }
  if (!route || route === 'not-found' || route.r !== ctx.pods || !STREAM_SUBRESOURCES.has(route.subresource ?? '') || !route.name || !route.namespace) return false;
  const sub = route.subresource!;
  try {
    if (req.method !== 'GET' && req.method !== 'POST') throw errors.methodNotAllowed();
    const q = url.searchParams;
    checkParams(q, []);
    if (sub === 'exec' && q.getAll('command').length === 0) throw errors.badRequest('you must specify at least one command for the container');
    if (sub === 'portforward') portforwardPorts(q);
    const tunnel = sub === 'portforward' && wantsPortForwardTunnel(req);
    if (!tunnel) checkUpgradeProtocol(req, sub);
    const pod = await getPod(ctx, route.namespace, route.name);
    const container = sub === 'portforward' ? '' : pickContainer(pod, q.get('container'));
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      throw errors.badRequest(sub === 'exec' ? `cannot exec into a container in a completed pod; current phase is ${phase}`
        : sub === 'attach' ? `cannot attach to a container in a completed pod; current phase is ${phase}`
          : `cannot port-forward to a completed pod; current phase is ${phase}`);
    }
    const { host, port } = await kubeletOf(ctx, pod);
    const path = kubeletStreamPath(sub, route.namespace, route.name, container, q);
    ctx.log(sub, { pod: `${route.namespace}/${route.name}`, ...(container ? { container } : {}), node: pod.spec?.nodeName });
    if (tunnel) {
      await tunnelPortForward(req, socket, head, { connect: () => connectKubelet(host, port, ctx.kubeletClient), authority: `${host}:${port}`, path },
        (code, message) => rejectUpgrade(socket, code === 404 ? new ApiError(404, 'NotFound', message) : code < 500 ? errors.badRequest(message) : new ApiError(500, 'InternalError', message)));
    } else {
      await splice(req, socket, head, host, port, path, ctx.kubeletClient);
    }
  } catch (err) {
    rejectUpgrade(socket, err);
  }
  return true;
}

/** A connection to the kubelet (TLS with ctx.kubeletClient), ready to write; 10 s deadline. */
function connectKubelet(host: string, port: number, kc: KubeletClient | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const up: Socket = kc ? tlsConnect({ host, port, ...kubeletTls(kc), ...(isIP(host) ? {} : { servername: host }) }) : connect({ host, port });
    const timer = setTimeout(() => { up.destroy(); reject(new ApiError(504, 'Timeout', `timed out connecting to the kubelet at ${host}:${port}`)); }, 10_000);
    up.once(kc ? 'secureConnect' : 'connect', () => { clearTimeout(timer); up.off('error', onError); resolve(up); });
    const onError = (err: Error): void => { clearTimeout(timer); reject(new ApiError(500, 'InternalError', `error dialing the kubelet at ${host}:${port}: ${err.message}`)); };
    up.once('error', onError);
  });
}

const SKIP_HEADERS = new Set(['host', 'authorization', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding']);

/** Replays the upgrade request to host:port path and splices both connections until either closes. */
function splice(req: IncomingMessage, client: Duplex, head: Buffer, host: string, port: number, path: string, kc: KubeletClient | undefined): Promise<void> {
  return new Promise((resolve) => {
    const up: Socket = kc ? tlsConnect({ host, port, ...kubeletTls(kc), ...(isIP(host) ? {} : { servername: host }) }) : connect({ host, port });
    let settled = false;
    const done = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      up.destroy();
      client.destroy();
      resolve();
    };
    const timer = setTimeout(() => { rejectUpgrade(client, new ApiError(504, 'Timeout', `timed out connecting to the kubelet at ${host}:${port}`)); done(); }, 10_000);
    up.once(kc ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      const lines = [`${req.method ?? 'GET'} ${path} HTTP/1.1`, `Host: ${host}:${port}`];
      const raw = req.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) {
        if (SKIP_HEADERS.has(raw[i]!.toLowerCase())) continue;
        lines.push(`${raw[i]!}: ${raw[i + 1]!.replace(/[\r\n]/g, '')}`);
      }
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    up.once('error', (err) => {
      if (!up.bytesRead) rejectUpgrade(client, new ApiError(500, 'InternalError', `error dialing the kubelet at ${host}:${port}: ${err.message}`));
      done();
    });
    client.once('error', done);
    up.once('close', done);
    client.once('close', done);
  });
}

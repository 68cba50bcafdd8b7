// The kubelet's streaming endpoints (upstream: pkg/kubelet/server/server.go getExec, getAttach,
// getPortForward): each asks CRI for a one-time URL on the runtime's streaming server and splices
// the upgraded connection onto it (runtime/streaming.ts). Paths, as the API server sends them:
//   /exec/{ns}/{pod}/{container}?command=..&stdin&stdout&stderr&tty
//   /attach/{ns}/{pod}/{container}?stdin&stdout&stderr&tty
//   /portForward/{ns}/{pod}[?port=N...]
// A trailing {uid} segment (upstream's second form of each path) is accepted and must match.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pod } from '../../api/core/v1/pod.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { proxyUpgrade } from '../runtime/streaming.js';
import { CONTAINER_NAME, POD_UID } from '../pods/labels.js';
import type { KubeletLog } from '../types.js';

export class HttpError extends Error {
  constructor(readonly code: number, message: string) { super(message); }
}

export interface StreamDeps {
  runtime: ContainerRuntime;
  findPod(namespace: string, name: string): Pod | undefined;
  log: KubeletLog;
}

export function parseBool(v: string | null): boolean {
  return v === 'true' || v === '1';
}

function podOf(d: StreamDeps, ns: string, name: string, uid: string | undefined): Pod {
  const pod = d.findPod(ns, name);
  if (!pod || (uid && pod.metadata.uid !== uid)) throw new HttpError(404, `pod "${name}" not found in namespace "${ns}" on this node`);
  return pod;
}

/** The pod and the container a path names; 404/400 with Kubernetes' messages otherwise. */
export function resolveContainer(d: StreamDeps, ns: string, name: string, container: string, uid?: string): Pod {
  const pod = podOf(d, ns, name, uid);
  const spec = pod.spec as { containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] } | undefined;
  const names = [...(spec?.containers ?? []), ...(spec?.initContainers ?? []), ...(spec?.ephemeralContainers ?? [])].map((c) => c.name);
  if (!names.includes(container)) throw new HttpError(400, `container ${container} is not valid for pod ${name}`);
  return pod;
}

async function runningContainer(d: StreamDeps, pod: Pod, container: string): Promise<string> {
  const running = await d.runtime.listContainers({ state: 'CONTAINER_RUNNING', labelSelector: { [POD_UID]: pod.metadata.uid ?? '', [CONTAINER_NAME]: container } });
  const c = running[0];
  if (!c) throw new HttpError(400, `container ${container} is not running in pod ${pod.metadata.name ?? ''}`);
  return c.id;
}

function containerPath(parts: string[], what: string): { ns: string; name: string; container: string; uid?: string } {
  if (parts.length !== 4 && parts.length !== 5) throw new HttpError(404, `expected /${what}/{namespace}/{pod}/{container}`);
  // The 5-segment form is /{ns}/{pod}/{uid}/{container}.
  return parts.length === 4
    ? { ns: parts[1]!, name: parts[2]!, container: parts[3]! }
    : { ns: parts[1]!, name: parts[2]!, uid: parts[3]!, container: parts[4]! };
}

/** stdin/stdout/stderr/tty from the query; with a TTY stderr is merged into stdout (CRI refuses both). */
function streamsOf(q: URLSearchParams): { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean } {
  const tty = parseBool(q.get('tty'));
  return { stdin: parseBool(q.get('stdin')), stdout: parseBool(q.get('stdout')), stderr: !tty && parseBool(q.get('stderr')), tty };
}

export async function serveExec(d: StreamDeps, req: IncomingMessage, socket: Duplex, head: Buffer, parts: string[], q: URLSearchParams): Promise<void> {
  const p = containerPath(parts, 'exec');
  const pod = resolveContainer(d, p.ns, p.name, p.container, p.uid);
  const cmd = q.getAll('command');
  if (cmd.length === 0) throw new HttpError(400, 'you must specify at least one command for the container');
  const containerId = await runningContainer(d, pod, p.container);
  const { url } = await d.runtime.exec({ containerId, cmd, ...streamsOf(q) });
  d.log('exec', { pod: `${p.ns}/${p.name}`, container: p.container, cmd: cmd.join(' ') });
  await proxyUpgrade(req, socket, head, url);
}

export async function serveAttach(d: StreamDeps, req: IncomingMessage, socket: Duplex, head: Buffer, parts: string[], q: URLSearchParams): Promise<void> {
  const p = containerPath(parts, 'attach');
  const pod = resolveContainer(d, p.ns, p.name, p.container, p.uid);
  const containerId = await runningContainer(d, pod, p.container);
  const { url } = await d.runtime.attach({ containerId, ...streamsOf(q) });
  d.log('attach', { pod: `${p.ns}/${p.name}`, container: p.container });
  await proxyUpgrade(req, socket, head, url);
}

/** The ports of a port-forward request (`port`, repeated; the API server's `ports` is accepted too). */
export function forwardPorts(q: URLSearchParams): number[] {
  const raw = [...q.getAll('port'), ...q.getAll('ports')].flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return raw.map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new HttpError(400, `invalid port ${JSON.stringify(v)}: must be between 1 and 65535`);
    return n;
  });
}

export async function servePortForward(d: StreamDeps, req: IncomingMessage, socket: Duplex, head: Buffer, parts: string[], q: URLSearchParams): Promise<void> {
  if (parts.length !== 3 && parts.length !== 4) throw new HttpError(404, 'expected /portForward/{namespace}/{pod}');
  const [, ns, name, uid] = parts as [string, string, string, string | undefined];
  const pod = podOf(d, ns, name, uid);
  const ports = forwardPorts(q);
  const sandboxes = await d.runtime.listPodSandbox({ state: 'SANDBOX_READY', labelSelector: { [POD_UID]: pod.metadata.uid ?? '' } });
  const sandbox = sandboxes[0];
  if (!sandbox) throw new HttpError(400, `pod ${name} has no running sandbox to forward ports into`);
  const { url } = await d.runtime.portForward({ podSandboxId: sandbox.id, port: ports });
  d.log('port-forward', { pod: `${ns}/${name}`, ports });
  // The WebSocket flavour of the protocol reads its ports from the URL; SPDY names them per stream.
  const target = new URL(url);
  if (!target.search && ports.length) for (const port of ports) target.searchParams.append('port', String(port));
  await proxyUpgrade(req, socket, head, target.toString());
}

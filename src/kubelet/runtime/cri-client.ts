// The CRI runtime.v1 client: ContainerRuntime over gRPC on a unix socket (containerd's CRI plugin).
// Every call has a deadline; every failure becomes a CriError carrying the gRPC code.
// Messages decode with defaults (as @grpc/proto-loader's `defaults: true`), so an absent field reads
// as its zero value: for enums that zero is SANDBOX_READY / CONTAINER_CREATED. That is right when the field was sent as 0, but wrong
// when a whole message is missing, so absent messages are checked before their fields are read,
// and filters only carry a state wrapper when a state was asked for (an empty wrapper means READY).
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { CriError, GrpcCode } from './errors.js';
import type {
  Container, ContainerFilter, ContainerRuntime, ContainerStatus, FilesystemUsage, Image, ImageSpec,
  PodSandbox, PodSandboxFilter, PodSandboxStatus,
} from './types.js';

export interface CriClientOptions {
  /** Deadline of ordinary calls (ms). Default 30 s, a little under the kubelet's 2 min. */
  timeoutMs?: number;
  /** Deadline of PullImage (ms). Default 10 min: large images on slow links. */
  pullTimeoutMs?: number;
}

type Callback = (err: grpc.ServiceError | null, res: unknown) => void;
type UnaryClient = grpc.Client & Record<string, (req: unknown, opts: grpc.CallOptions, cb: Callback) => void>;

type ServiceClients = { RuntimeService: grpc.ServiceClientConstructor; ImageService: grpc.ServiceClientConstructor };
let clients: ServiceClients | undefined;

/** cri.proto sits beside this module in dist (copied by scripts/setup.sh); a bare `tsc` build
 *  does not copy it, so fall back to the source tree that dist was compiled from. */
function protoPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'cri.proto'), resolve(here, '../../../../src/kubelet/runtime/cri.proto')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`cri.proto not found (looked in ${candidates.join(', ')})`);
  return found;
}

// Messages as @grpc/proto-loader would give them with these options: camelCase fields (protobufjs'
// default), int64 as strings (nanosecond timestamps exceed 2^53), enums by name, defaults filled in.
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, bytes: Buffer, defaults: true, arrays: true, objects: true };

function methodsOf(root: protobuf.Root, service: string): grpc.ServiceDefinition {
  const def: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const m of root.lookupService(service).methodsArray) {
    const req = m.resolvedRequestType!;
    const res = m.resolvedResponseType!;
    def[m.name] = {
      path: `/${service}/${m.name}`,
      requestStream: !!m.requestStream,
      responseStream: !!m.responseStream,
      requestSerialize: (o: object) => Buffer.from(req.encode(req.fromObject(o)).finish()),
      requestDeserialize: (b: Buffer) => req.toObject(req.decode(b), TO_OBJECT),
      responseSerialize: (o: object) => Buffer.from(res.encode(res.fromObject(o)).finish()),
      responseDeserialize: (b: Buffer) => res.toObject(res.decode(b), TO_OBJECT),
      originalName: m.name[0]!.toLowerCase() + m.name.slice(1),
    };
  }
  return def;
}

/** The two service clients, built from cri.proto with protobufjs directly: @grpc/proto-loader would
 *  also build descriptor protos of every message for gRPC reflection, which a kubelet never serves,
 *  at several times the cost of the parse itself (it was the largest single step of a node start). */
function serviceClients(): ServiceClients {
  if (clients) return clients;
  const root = protobuf.loadSync(protoPath());
  root.resolveAll();
  clients = {
    RuntimeService: grpc.makeGenericClientConstructor(methodsOf(root, 'runtime.v1.RuntimeService'), 'RuntimeService'),
    ImageService: grpc.makeGenericClientConstructor(methodsOf(root, 'runtime.v1.ImageService'), 'ImageService'),
  };
  return clients;
}

/** Connects lazily: the first call dials. socketPath is a filesystem path (made absolute). */
export function connectCri(socketPath: string, opts: CriClientOptions = {}): ContainerRuntime {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const pullTimeoutMs = opts.pullTimeoutMs ?? 600_000;
  const svc = serviceClients();
  const target = `unix://${isAbsolute(socketPath) ? socketPath : resolve(socketPath)}`;
  const channelOptions: grpc.ChannelOptions = {
    // ExecSync may carry 16 MiB of stdout plus 16 MiB of stderr.
    'grpc.max_receive_message_length': 40 * 1024 * 1024,
    'grpc.max_send_message_length': 16 * 1024 * 1024,
  };
  const rt = new svc.RuntimeService(target, grpc.credentials.createInsecure(), channelOptions) as unknown as UnaryClient;
  const img = new svc.ImageService(target, grpc.credentials.createInsecure(), {
    ...channelOptions,
    channelOverride: rt.getChannel(), // one connection for both services
  }) as unknown as UnaryClient;

  function call<T>(client: UnaryClient, method: string, req: unknown, deadlineMs = timeoutMs): Promise<T> {
    return new Promise<T>((resolvePromise, reject) => {
      const fn = client[method];
      if (typeof fn !== 'function') return reject(new CriError(method, GrpcCode.UNIMPLEMENTED, 'no such method in cri.proto'));
      fn.call(client, req, { deadline: Date.now() + deadlineMs }, (err, res) => {
        if (err) reject(new CriError(method, err.code ?? GrpcCode.UNKNOWN, err.details || err.message));
        else resolvePromise(res as T);
      });
    });
  }

  return {
    async version() {
      const r = await call<{ runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }>(rt, 'Version', { version: 'v1' });
      return { runtimeName: r.runtimeName, runtimeVersion: r.runtimeVersion, runtimeApiVersion: r.runtimeApiVersion };
    },
    async status() {
      const r = await call<{ status: { conditions: RawCondition[] } | null }>(rt, 'Status', {});
      return { conditions: (r.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message })) };
    },

    async runPodSandbox(config, runtimeHandler = '') {
      const r = await call<{ podSandboxId: string }>(rt, 'RunPodSandbox', { config, runtimeHandler });
      return r.podSandboxId;
    },
    async stopPodSandbox(podSandboxId) {
      await call(rt, 'StopPodSandbox', { podSandboxId });
    },
    async removePodSandbox(podSandboxId) {
      await call(rt, 'RemovePodSandbox', { podSandboxId });
    },
    async podSandboxStatus(podSandboxId) {
      const r = await call<{ status: RawSandboxStatus | null }>(rt, 'PodSandboxStatus', { podSandboxId });
      if (!r.status) throw new CriError('PodSandboxStatus', GrpcCode.NOT_FOUND, `no status for sandbox ${podSandboxId}`);
      return toSandboxStatus(r.status);
    },
    async listPodSandbox(filter) {
      const r = await call<{ items: RawSandbox[] }>(rt, 'ListPodSandbox', { filter: sandboxFilter(filter) });
      return r.items.map(toSandbox);
    },

    async createContainer(podSandboxId, config, sandboxConfig) {
      const r = await call<{ containerId: string }>(rt, 'CreateContainer', { podSandboxId, config, sandboxConfig });
      return r.containerId;
    },
    async startContainer(containerId) {
      await call(rt, 'StartContainer', { containerId });
    },
    async stopContainer(containerId, timeoutSeconds) {
      // The runtime waits the grace period before SIGKILL: the deadline must outlast it.
      await call(rt, 'StopContainer', { containerId, timeout: String(Math.max(0, Math.ceil(timeoutSeconds))) }, timeoutSeconds * 1000 + timeoutMs);
    },
    async removeContainer(containerId) {
      await call(rt, 'RemoveContainer', { containerId });
    },
    async listContainers(filter) {
      const r = await call<{ containers: RawContainer[] }>(rt, 'ListContainers', { filter: containerFilter(filter) });
      return r.containers.map(toContainer);
    },
    async containerStatus(containerId) {
      const r = await call<{ status: RawContainerStatus | null }>(rt, 'ContainerStatus', { containerId });
      if (!r.status) throw new CriError('ContainerStatus', GrpcCode.NOT_FOUND, `no status for container ${containerId}`);
      return toContainerStatus(r.status);
    },
    async updateContainerResources(containerId, linux) {
      await call(rt, 'UpdateContainerResources', { containerId, linux });
    },
    async reopenContainerLog(containerId) {
      await call(rt, 'ReopenContainerLog', { containerId });
    },

    async execSync(containerId, cmd, timeoutSeconds) {
      // timeout 0 means "no limit" to the runtime; our deadline still bounds the call.
      const deadline = timeoutSeconds > 0 ? timeoutSeconds * 1000 + timeoutMs : 10 * 60_000;
      const r = await call<{ stdout: Buffer | null; stderr: Buffer | null; exitCode: number }>(
        rt, 'ExecSync', { containerId, cmd, timeout: String(Math.max(0, Math.ceil(timeoutSeconds))) }, deadline);
      return { stdout: Buffer.from(r.stdout ?? []), stderr: Buffer.from(r.stderr ?? []), exitCode: r.exitCode };
    },
    async exec(req) {
      return { url: (await call<{ url: string }>(rt, 'Exec', req)).url };
    },
    async attach(req) {
      return { url: (await call<{ url: string }>(rt, 'Attach', req)).url };
    },
    async portForward(req) {
      return { url: (await call<{ url: string }>(rt, 'PortForward', req)).url };
    },

    async listImages(filter) {
      const r = await call<{ images: RawImage[] }>(img, 'ListImages', { filter: filter?.image ? { image: filter.image } : null });
      return r.images.map(toImage);
    },
    async imageStatus(image) {
      const r = await call<{ image: RawImage | null }>(img, 'ImageStatus', { image });
      // Absent image: the response's image is unset (null), not an error.
      return r.image && r.image.id ? toImage(r.image) : null;
    },
    async pullImage(image, auth) {
      const r = await call<{ imageRef: string }>(img, 'PullImage', { image, auth: auth ?? null }, pullTimeoutMs);
      return r.imageRef;
    },
    async removeImage(image) {
      await call(img, 'RemoveImage', { image });
    },
    async imageFsInfo() {
      const r = await call<{ imageFilesystems: RawFsUsage[] }>(img, 'ImageFsInfo', {});
      return r.imageFilesystems.map(toFsUsage);
    },

    close() {
      img.close();
      rt.close();
    },
  };
}

// ---- request shaping ----

function sandboxFilter(f?: PodSandboxFilter): object | null {
  if (!f) return null;
  return {
    id: f.id ?? '',
    state: f.state ? { state: f.state } : null,
    labelSelector: f.labelSelector ?? {},
  };
}

function containerFilter(f?: ContainerFilter): object | null {
  if (!f) return null;
  return {
    id: f.id ?? '',
    podSandboxId: f.podSandboxId ?? '',
    state: f.state ? { state: f.state } : null,
    labelSelector: f.labelSelector ?? {},
  };
}

// ---- response shaping: copy the fields types.ts promises, nothing else ----

interface RawCondition { type: string; status: boolean; reason: string; message: string }
interface RawMeta { name: string; uid: string; namespace: string; attempt: number }
interface RawSandbox {
  id: string; metadata: RawMeta | null; state: PodSandbox['state']; createdAt: string;
  labels: Record<string, string>; annotations: Record<string, string>;
}
interface RawSandboxStatus extends RawSandbox { network: { ip: string; additionalIps: { ip: string }[] } | null }
interface RawImageSpec { image: string; annotations: Record<string, string> }
interface RawContainer {
  id: string; podSandboxId: string; metadata: { name: string; attempt: number } | null; image: RawImageSpec | null;
  imageRef: string; state: Container['state']; createdAt: string; labels: Record<string, string>; annotations: Record<string, string>;
}
interface RawContainerStatus extends Omit<RawContainer, 'podSandboxId'> {
  startedAt: string; finishedAt: string; exitCode: number; reason: string; message: string; logPath: string;
}
interface RawImage { id: string; repoTags: string[]; repoDigests: string[]; size: string }
interface RawFsUsage {
  timestamp: string; fsId: { mountpoint: string } | null; usedBytes: { value: string } | null; inodesUsed: { value: string } | null;
}

function meta(m: RawMeta | null): PodSandbox['metadata'] {
  return { name: m?.name ?? '', uid: m?.uid ?? '', namespace: m?.namespace ?? '', attempt: m?.attempt ?? 0 };
}
function imageSpec(s: RawImageSpec | null): ImageSpec {
  return { image: s?.image ?? '', annotations: s?.annotations ?? {} };
}

export function toSandbox(s: RawSandbox): PodSandbox {
  return { id: s.id, metadata: meta(s.metadata), state: s.state, createdAt: s.createdAt, labels: s.labels, annotations: s.annotations };
}

export function toSandboxStatus(s: RawSandboxStatus): PodSandboxStatus {
  const out: PodSandboxStatus = toSandbox(s);
  // hostNetwork sandboxes (and ones whose CNI ADD failed) have no IP: leave network out.
  if (s.network && s.network.ip) {
    out.network = { ip: s.network.ip, additionalIps: s.network.additionalIps.map((a) => ({ ip: a.ip })) };
  }
  return out;
}

export function toContainer(c: RawContainer): Container {
  return {
    id: c.id, podSandboxId: c.podSandboxId, metadata: { name: c.metadata?.name ?? '', attempt: c.metadata?.attempt ?? 0 },
    image: imageSpec(c.image), imageRef: c.imageRef, state: c.state, createdAt: c.createdAt, labels: c.labels, annotations: c.annotations,
  };
}

export function toContainerStatus(c: RawContainerStatus): ContainerStatus {
  return {
    id: c.id, metadata: { name: c.metadata?.name ?? '', attempt: c.metadata?.attempt ?? 0 }, state: c.state,
    createdAt: c.createdAt, startedAt: c.startedAt, finishedAt: c.finishedAt, exitCode: c.exitCode,
    image: imageSpec(c.image), imageRef: c.imageRef, reason: c.reason, message: c.message,
    labels: c.labels, annotations: c.annotations, logPath: c.logPath,
  };
}

function toImage(i: RawImage): Image {
  return { id: i.id, repoTags: i.repoTags, repoDigests: i.repoDigests, size: i.size };
}

function toFsUsage(u: RawFsUsage): FilesystemUsage {
  return { timestamp: u.timestamp, mountpoint: u.fsId?.mountpoint ?? '', usedBytes: u.usedBytes?.value ?? '0', inodesUsed: u.inodesUsed?.value ?? '0' };
}

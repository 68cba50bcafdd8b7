// The hollow runtime: a CRI that keeps sandboxes, containers and images in memory, so the real
// kubelet code can drive hundreds of simulated nodes in one process (scale tests, hollow-nodes).
// It follows containerd's observable rules where the kubelet depends on them: sandboxes get an IP
// from the pod subnet (freed on stop, like CNI DEL); CreateContainer needs a present image and a
// ready sandbox; stop and remove are idempotent; unknown IDs answer NOT_FOUND.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CriError, GrpcCode } from './errors.js';
import type {
  Container, ContainerConfig, ContainerFilter, ContainerRuntime, ContainerState, ContainerStatus, ExecSyncResult,
  Image, ImageSpec, PodSandboxConfig, PodSandboxFilter, PodSandboxStatus,
} from './types.js';

export interface HollowRuntimeOptions {
  /** Milliseconds since the epoch; default Date.now. */
  clock?: () => number;
  /** Pod subnet for sandbox IPs; default 10.88.0.0/16. */
  podCIDR?: string;
  /** Images present from the start (default: none; PullImage adds any name). */
  images?: string[];
  /** Answers ExecSync (probes, hooks); default exit 0 with empty output. */
  exec?: (containerId: string, cmd: string[]) => ExecSyncResult | Promise<ExecSyncResult>;
}

export interface HollowRuntime extends ContainerRuntime {
  /** Makes a running container exit, as if its process died (e.g. 137 after a kill, "OOMKilled"). */
  kill(containerId: string, exitCode: number, reason?: string): void;
  /** Counts for tests and scale reports. */
  stats(): { sandboxes: number; containers: number; ipsInUse: number };
}

interface SandboxRec { status: PodSandboxStatus; config: PodSandboxConfig }
interface ContainerRec { status: ContainerStatus; podSandboxId: string }

export function createHollowRuntime(opts: HollowRuntimeOptions = {}): HollowRuntime {
  const clock = opts.clock ?? Date.now;
  const ipam = new Ipam(opts.podCIDR ?? '10.88.0.0/16');
  const sandboxes = new Map<string, SandboxRec>();
  const containers = new Map<string, ContainerRec>();
  const images = new Map<string, Image>();
  const exec = opts.exec ?? (() => ({ stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0 }));
  const nowNs = (): string => (BigInt(Math.round(clock() * 1000)) * 1000n).toString();

  const addImage = (name: string): Image => {
    const ref = normalizeImage(name);
    let img = images.get(ref);
    if (!img) {
      img = { id: `sha256:${randomBytes(32).toString('hex')}`, repoTags: [ref], repoDigests: [], size: '1048576' };
      images.set(ref, img);
    }
    return img;
  };
  for (const name of opts.images ?? []) addImage(name);
  const findImage = (spec: ImageSpec): Image | undefined =>
    images.get(normalizeImage(spec.image)) ?? [...images.values()].find((i) => i.id === spec.image);

  const sandbox = (method: string, id: string): SandboxRec => {
    const s = sandboxes.get(id) ?? findByPrefix(sandboxes, id);
    if (!s) throw new CriError(method, GrpcCode.NOT_FOUND, `an error occurred when try to find sandbox "${id}": not found`);
    return s;
  };
  const container = (method: string, id: string): ContainerRec => {
    const c = containers.get(id) ?? findByPrefix(containers, id);
    if (!c) throw new CriError(method, GrpcCode.NOT_FOUND, `an error occurred when try to find container "${id}": not found`);
    return c;
  };
  const exit = (c: ContainerRec, exitCode: number, reason?: string): void => {
    if (c.status.state !== 'CONTAINER_RUNNING') return;
    c.status.state = 'CONTAINER_EXITED';
    c.status.exitCode = exitCode;
    c.status.finishedAt = nowNs();
    c.status.reason = reason ?? (exitCode === 0 ? 'Completed' : 'Error');
  };

  return {
    async version() {
      return { runtimeName: 'hollow', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' };
    },
    async status() {
      return {
        conditions: [
          { type: 'RuntimeReady', status: true, reason: '', message: '' },
          { type: 'NetworkReady', status: true, reason: '', message: '' },
        ],
      };
    },

    async runPodSandbox(config) {
      // containerd needs its sandbox image present; a hollow sandbox has no process, so none is.
      const id = randomBytes(32).toString('hex');
      const hostNetwork = config.linux?.securityContext?.namespaceOptions?.network === 'NODE';
      const status: PodSandboxStatus = {
        id, metadata: { ...config.metadata }, state: 'SANDBOX_READY', createdAt: nowNs(),
        labels: { ...config.labels }, annotations: { ...config.annotations },
      };
      if (!hostNetwork) status.network = { ip: ipam.allocate(id), additionalIps: [] };
      sandboxes.set(id, { status, config });
      return id;
    },
    async stopPodSandbox(id) {
      const s = sandboxes.get(id) ?? findByPrefix(sandboxes, id);
      if (!s) return; // idempotent, as containerd is
      for (const c of containers.values()) if (c.podSandboxId === s.status.id) exit(c, 137, 'Error');
      s.status.state = 'SANDBOX_NOTREADY';
      ipam.release(s.status.id);
    },
    async removePodSandbox(id) {
      const s = sandboxes.get(id) ?? findByPrefix(sandboxes, id);
      if (!s) return;
      for (const [cid, c] of containers) if (c.podSandboxId === s.status.id) containers.delete(cid);
      ipam.release(s.status.id);
      sandboxes.delete(s.status.id);
    },
    async podSandboxStatus(id) {
      return structuredClone(sandbox('PodSandboxStatus', id).status);
    },
    async listPodSandbox(filter) {
      return [...sandboxes.values()].filter((s) => matchSandbox(s.status, filter)).map((s) => {
        const { network: _network, ...rest } = structuredClone(s.status);
        return rest;
      });
    },

    async createContainer(podSandboxId, config: ContainerConfig) {
      const s = sandbox('CreateContainer', podSandboxId);
      if (s.status.state !== 'SANDBOX_READY') {
        throw new CriError('CreateContainer', GrpcCode.UNKNOWN, `sandbox ${s.status.id} is not ready`);
      }
      const img = findImage(config.image);
      if (!img) throw new CriError('CreateContainer', GrpcCode.NOT_FOUND, `failed to get image "${config.image.image}": not found`);
      const name = config.metadata.name;
      const attempt = config.metadata.attempt;
      for (const c of containers.values()) {
        if (c.podSandboxId === s.status.id && c.status.metadata.name === name && c.status.metadata.attempt === attempt) {
          throw new CriError('CreateContainer', GrpcCode.UNKNOWN, `container name "${name}" attempt ${attempt} is reserved`);
        }
      }
      const id = randomBytes(32).toString('hex');
      const logDir = s.config.logDirectory ?? '';
      containers.set(id, {
        podSandboxId: s.status.id,
        status: {
          id, metadata: { name, attempt }, state: 'CONTAINER_CREATED', createdAt: nowNs(), startedAt: '0', finishedAt: '0',
          exitCode: 0, image: { image: config.image.image, annotations: { ...config.image.annotations } }, imageRef: img.id,
          reason: '', message: '', labels: { ...config.labels }, annotations: { ...config.annotations },
          logPath: logDir && config.logPath ? join(logDir, config.logPath) : '',
        },
      });
      return id;
    },
    async startContainer(id) {
      const c = container('StartContainer', id);
      if (c.status.state !== 'CONTAINER_CREATED') {
        throw new CriError('StartContainer', GrpcCode.UNKNOWN, `container ${c.status.id} is in ${c.status.state} state`);
      }
      c.status.state = 'CONTAINER_RUNNING';
      c.status.startedAt = nowNs();
    },
    async stopContainer(id) {
      const c = containers.get(id) ?? findByPrefix(containers, id);
      if (!c) throw new CriError('StopContainer', GrpcCode.NOT_FOUND, `container "${id}" not found`);
      // A hollow process honours SIGTERM at once.
      exit(c, 0);
    },
    async removeContainer(id) {
      const c = containers.get(id) ?? findByPrefix(containers, id);
      if (c) containers.delete(c.status.id);
    },
    async listContainers(filter) {
      return [...containers.values()].filter((c) => matchContainer(c, filter)).map((c): Container => ({
        id: c.status.id, podSandboxId: c.podSandboxId, metadata: { ...c.status.metadata }, image: structuredClone(c.status.image),
        imageRef: c.status.imageRef, state: c.status.state, createdAt: c.status.createdAt,
        labels: { ...c.status.labels }, annotations: { ...c.status.annotations },
      }));
    },
    async containerStatus(id) {
      return structuredClone(container('ContainerStatus', id).status);
    },
    async updateContainerResources(id) {
      container('UpdateContainerResources', id);
    },
    async reopenContainerLog(id) {
      const c = container('ReopenContainerLog', id);
      if (c.status.state !== 'CONTAINER_RUNNING') throw new CriError('ReopenContainerLog', GrpcCode.UNKNOWN, 'container is not running');
    },

    async execSync(id, cmd) {
      const c = container('ExecSync', id);
      if (c.status.state !== 'CONTAINER_RUNNING') {
        throw new CriError('ExecSync', GrpcCode.UNKNOWN, `container ${c.status.id} is in ${c.status.state} state`);
      }
      return exec(c.status.id, cmd);
    },
    // There is no process to stream from: the URLs name what was asked and lead nowhere.
    async exec(req) {
      container('Exec', req.containerId);
      return { url: `http://hollow.invalid/exec/${req.containerId}` };
    },
    async attach(req) {
      container('Attach', req.containerId);
      return { url: `http://hollow.invalid/attach/${req.containerId}` };
    },
    async portForward(req) {
      sandbox('PortForward', req.podSandboxId);
      return { url: `http://hollow.invalid/portforward/${req.podSandboxId}` };
    },

    async listImages(filter) {
      const all = [...images.values()];
      const want = filter?.image?.image;
      return structuredClone(want ? all.filter((i) => i.repoTags.includes(normalizeImage(want)) || i.id === want) : all);
    },
    async imageStatus(spec) {
      const img = findImage(spec);
      return img ? structuredClone(img) : null;
    },
    async pullImage(spec) {
      return addImage(spec.image).id;
    },
    async removeImage(spec) {
      const img = findImage(spec);
      if (img) for (const tag of img.repoTags) images.delete(tag);
    },
    async imageFsInfo() {
      let used = 0n;
      for (const i of images.values()) used += BigInt(i.size);
      return [{ timestamp: nowNs(), mountpoint: '/hollow/images', usedBytes: used.toString(), inodesUsed: String(images.size) }];
    },

    close() {},

    kill(containerId, exitCode, reason) {
      const c = container('Kill', containerId);
      if (c.status.state !== 'CONTAINER_RUNNING') throw new Error(`container ${containerId} is not running`);
      exit(c, exitCode, reason);
    },
    stats() {
      return { sandboxes: sandboxes.size, containers: containers.size, ipsInUse: ipam.inUse() };
    },
  };
}

/** Docker's normalisation, as containerd applies it: "busybox" is docker.io/library/busybox:latest. */
export function normalizeImage(name: string): string {
  if (name.startsWith('sha256:')) return name;
  let ref = name;
  const firstSlash = ref.indexOf('/');
  const first = firstSlash < 0 ? '' : ref.slice(0, firstSlash);
  const hasDomain = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasDomain) ref = firstSlash < 0 ? `docker.io/library/${ref}` : `docker.io/${ref}`;
  const lastPart = ref.slice(ref.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !ref.includes('@')) ref += ':latest';
  return ref;
}

function findByPrefix<T>(m: Map<string, T>, prefix: string): T | undefined {
  // containerd accepts a unique ID prefix; so do we.
  if (!prefix) return undefined;
  const hits = [...m.keys()].filter((k) => k.startsWith(prefix));
  return hits.length === 1 ? m.get(hits[0]!) : undefined;
}

function labelsMatch(labels: Record<string, string>, selector?: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

function matchSandbox(s: PodSandboxStatus, f?: PodSandboxFilter): boolean {
  if (!f) return true;
  if (f.id && !s.id.startsWith(f.id)) return false;
  if (f.state && s.state !== f.state) return false;
  return labelsMatch(s.labels, f.labelSelector);
}

function matchContainer(c: ContainerRec, f?: ContainerFilter): boolean {
  if (!f) return true;
  if (f.id && !c.status.id.startsWith(f.id)) return false;
  if (f.podSandboxId && !c.podSandboxId.startsWith(f.podSandboxId)) return false;
  if (f.state && c.status.state !== (f.state as ContainerState)) return false;
  return labelsMatch(c.status.labels, f.labelSelector);
}

/** host-local's behaviour in miniature: hands out the next free address after the last one given
 *  (round robin, so a freed IP is not reused at once), skipping the network address, the
 *  gateway (.1) and the broadcast address. */
class Ipam {
  private readonly base: number;
  private readonly size: number;
  private readonly byOwner = new Map<string, number>();
  private readonly used = new Set<number>();
  private next = 2;

  constructor(cidr: string) {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
    if (!m) throw new Error(`podCIDR ${cidr}: want an IPv4 CIDR like 10.88.0.0/16`);
    const bits = Number(m[5]);
    if (bits < 8 || bits > 30) throw new Error(`podCIDR ${cidr}: prefix must be between /8 and /30`);
    const addr = m.slice(1, 5).reduce((a, o) => a * 256 + Number(o), 0);
    this.size = 2 ** (32 - bits);
    this.base = addr - (addr % this.size);
  }

  allocate(owner: string): string {
    for (let tries = 0; tries < this.size; tries++) {
      const off = this.next;
      this.next = this.next + 1 >= this.size - 1 ? 2 : this.next + 1; // wrap, as host-local does
      if (!this.used.has(off)) {
        this.used.add(off);
        this.byOwner.set(owner, off);
        return toIp(this.base + off);
      }
    }
    throw new CriError('RunPodSandbox', GrpcCode.UNKNOWN, 'failed to allocate for range 0: no IP addresses available in range set');
  }

  release(owner: string): void {
    const off = this.byOwner.get(owner);
    if (off === undefined) return;
    this.byOwner.delete(owner);
    this.used.delete(off);
  }

  inUse(): number {
    return this.used.size;
  }
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

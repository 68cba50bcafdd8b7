// The container runtime as the kubelet sees it: CRI's runtime.v1 RuntimeService and ImageService,
// with the message shapes in camelCase (as @grpc/proto-loader yields them without keepCase).
// Two implementations: the CRI gRPC client to containerd (cri-client.ts) and the hollow runtime
// (hollow.ts) that keeps everything in memory for scale tests. Field names follow runtime.v1.
// Timestamps are nanoseconds since the epoch as decimal strings (int64 over gRPC).

export type SandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';

export interface KeyValue { key: string; value: string }
export interface PortMapping { protocol?: Protocol; containerPort: number; hostPort?: number; hostIp?: string }
export interface Mount {
  containerPath: string; hostPath: string; readonly?: boolean; selinuxRelabel?: boolean;
  propagation?: 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
}
export interface PodSandboxMetadata { name: string; uid: string; namespace: string; attempt: number }
export interface ContainerMetadata { name: string; attempt: number }
export interface ImageSpec { image: string; annotations?: Record<string, string> }
export interface LinuxContainerResources {
  cpuPeriod?: string; cpuQuota?: string; cpuShares?: string; memoryLimitInBytes?: string; oomScoreAdj?: string;
}
export interface NamespaceOption { network?: NamespaceMode; pid?: NamespaceMode; ipc?: NamespaceMode }

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  logDirectory?: string;
  dnsConfig?: { servers?: string[]; searches?: string[]; options?: string[] };
  portMappings?: PortMapping[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  linux?: {
    cgroupParent?: string;
    securityContext?: { namespaceOptions?: NamespaceOption; privileged?: boolean; runAsUser?: { value: string } };
    sysctls?: Record<string, string>;
  };
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  command?: string[];
  args?: string[];
  workingDir?: string;
  envs?: KeyValue[];
  mounts?: Mount[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Relative to the sandbox's logDirectory. */
  logPath?: string;
  stdin?: boolean; stdinOnce?: boolean; tty?: boolean;
  linux?: {
    resources?: LinuxContainerResources;
    securityContext?: {
      capabilities?: { addCapabilities?: string[]; dropCapabilities?: string[] };
      privileged?: boolean;
      namespaceOptions?: NamespaceOption;
      runAsUser?: { value: string };
      runAsGroup?: { value: string };
      readonlyRootfs?: boolean;
      noNewPrivs?: boolean;
    };
  };
}

export interface PodSandbox {
  id: string; metadata: PodSandboxMetadata; state: SandboxState; createdAt: string;
  labels: Record<string, string>; annotations: Record<string, string>;
}
export interface PodSandboxStatus extends PodSandbox {
  network?: { ip: string; additionalIps?: { ip: string }[] };
}
export interface Container {
  id: string; podSandboxId: string; metadata: ContainerMetadata; image: ImageSpec; imageRef: string;
  state: ContainerState; createdAt: string; labels: Record<string, string>; annotations: Record<string, string>;
}
export interface ContainerStatus {
  id: string; metadata: ContainerMetadata; state: ContainerState;
  createdAt: string; startedAt: string; finishedAt: string; exitCode: number;
  image: ImageSpec; imageRef: string; reason: string; message: string;
  labels: Record<string, string>; annotations: Record<string, string>; logPath: string;
}
export interface Image { id: string; repoTags: string[]; repoDigests: string[]; size: string }
export interface RuntimeCondition { type: string; status: boolean; reason: string; message: string }
/** Usage of the filesystem holding images (for the node's image-fs stats and DiskPressure). */
export interface FilesystemUsage { timestamp: string; mountpoint: string; usedBytes: string; inodesUsed: string }

export interface PodSandboxFilter { id?: string; state?: SandboxState; labelSelector?: Record<string, string> }
export interface ContainerFilter { id?: string; podSandboxId?: string; state?: ContainerState; labelSelector?: Record<string, string> }

/** Result of a synchronous exec (probes, hooks). */
export interface ExecSyncResult { stdout: Buffer; stderr: Buffer; exitCode: number }

export interface ContainerRuntime {
  version(): Promise<{ runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }>;
  status(): Promise<{ conditions: RuntimeCondition[] }>;

  runPodSandbox(config: PodSandboxConfig, runtimeHandler?: string): Promise<string>;
  stopPodSandbox(podSandboxId: string): Promise<void>;
  removePodSandbox(podSandboxId: string): Promise<void>;
  podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus>;
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]>;

  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** Sends SIGTERM, waits timeoutSeconds, then SIGKILL. */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  listContainers(filter?: ContainerFilter): Promise<Container[]>;
  containerStatus(containerId: string): Promise<ContainerStatus>;
  updateContainerResources?(containerId: string, linux: LinuxContainerResources): Promise<void>;

  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult>;
  /** Streaming endpoints: CRI answers with a URL on the runtime's streaming server. */
  exec(req: { containerId: string; cmd: string[]; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<{ url: string }>;
  attach(req: { containerId: string; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<{ url: string }>;
  portForward(req: { podSandboxId: string; port: number[] }): Promise<{ url: string }>;
  reopenContainerLog?(containerId: string): Promise<void>;

  listImages(filter?: { image?: ImageSpec }): Promise<Image[]>;
  /** null when the image is not present. */
  imageStatus(image: ImageSpec): Promise<Image | null>;
  pullImage(image: ImageSpec, auth?: { username?: string; password?: string; auth?: string }): Promise<string>;
  removeImage(image: ImageSpec): Promise<void>;
  imageFsInfo?(): Promise<FilesystemUsage[]>;

  close(): void;
}

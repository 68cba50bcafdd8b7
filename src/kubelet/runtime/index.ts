// The container-runtime layer's public face: the ContainerRuntime contract, its two
// implementations (CRI over gRPC to containerd; the in-memory hollow runtime), the node's own
// containerd, images without a registry, pod cgroup cleanup and the streaming splice.
export type * from './types.js';
export { CriError, GrpcCode, isNotFound } from './errors.js';
export { connectCri, type CriClientOptions } from './cri-client.js';
export { createHollowRuntime, normalizeImage, type HollowRuntime, type HollowRuntimeOptions } from './hollow.js';
export {
  startContainerd, cleanupNode, destroyNode, mountsUnder, DEFAULT_CONTAINERD_DIR, DEFAULT_CONTAINERD_SOCKET, DEFAULT_SANDBOX_IMAGE,
  type ContainerdHandle, type StartContainerdOptions, type RuntimeLog,
} from './containerd.js';
export { nodeLayout, bridgeNameFor, type NodeLayout } from './containerd-config.js';
export {
  buildDemoImages, importImageArchive, importImagesDir, DEMO_BUSYBOX_IMAGE, DEMO_PAUSE_IMAGE, DEMO_ARCHIVE_NAME,
} from './images.js';
export { removeCgroup, listCgroups, cgroupMounts } from './cgroups.js';
export { proxyUpgrade } from './streaming.js';

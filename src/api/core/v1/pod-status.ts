// core/v1 PodStatus: phase, conditions, IPs and per-container state as the kubelet reports them.
import { Type, type Static, K8S_EXT, opt, str, bool, int32, int64, time, quantityMap, mergeList, atomicList, object } from '../../schema.js';
import { use } from '../../meta/v1/types.js';
import { ResourceRequirements } from './container.js';

const CORE = 'io.k8s.api.core.v1';

export const PodCondition = object(`${CORE}.PodCondition`, {
  type: opt(1, str()),
  observedGeneration: opt(7, int64()),
  status: opt(2, str()),
  lastProbeTime: opt(3, time()),
  lastTransitionTime: opt(4, time()),
  reason: opt(5, str()),
  message: opt(6, str()),
}, 'PodCondition contains details for the current condition of this pod.');
export type PodCondition = Static<typeof PodCondition>;
export const PodIP = object(`${CORE}.PodIP`, { ip: opt(1, str()) }, 'PodIP represents a single IP address allocated to the pod.');
export const HostIP = object(`${CORE}.HostIP`, { ip: opt(1, str()) }, 'HostIP represents a single IP address allocated to the host.');

export const ContainerStateWaiting = object(`${CORE}.ContainerStateWaiting`, { reason: opt(1, str()), message: opt(2, str()) }, 'ContainerStateWaiting is a waiting state of a container.');
export const ContainerStateRunning = object(`${CORE}.ContainerStateRunning`, { startedAt: opt(1, time()) }, 'ContainerStateRunning is a running state of a container.');
export const ContainerStateTerminated = object(`${CORE}.ContainerStateTerminated`, {
  exitCode: opt(1, int32()),
  signal: opt(2, int32()),
  reason: opt(3, str()),
  message: opt(4, str()),
  startedAt: opt(5, time()),
  finishedAt: opt(6, time()),
  containerID: opt(7, str()),
}, 'ContainerStateTerminated is a terminated state of a container.');
export const ContainerState = object(`${CORE}.ContainerState`, {
  waiting: opt(1, use(ContainerStateWaiting)),
  running: opt(2, use(ContainerStateRunning)),
  terminated: opt(3, use(ContainerStateTerminated)),
}, 'ContainerState holds a possible state of container.');
export type ContainerState = Static<typeof ContainerState>;

export const ImageVolumeStatus = object(`${CORE}.ImageVolumeStatus`, { imageRef: opt(1, str()) }, 'ImageVolumeStatus represents the image-based volume status.');
export const VolumeStatus = object(`${CORE}.VolumeStatus`, { image: opt(1, use(ImageVolumeStatus)) }, 'VolumeStatus represents the status of a mounted volume.');
export const VolumeMountStatus = object(`${CORE}.VolumeMountStatus`, {
  name: opt(1, str()),
  mountPath: opt(2, str()),
  readOnly: opt(3, bool()),
  recursiveReadOnly: opt(4, str()),
  volumeStatus: opt(5, use(VolumeStatus)),
}, 'VolumeMountStatus shows status of volume mounts.');
export const LinuxContainerUser = object(`${CORE}.LinuxContainerUser`, {
  uid: opt(1, int64()),
  gid: opt(2, int64()),
  supplementalGroups: opt(3, atomicList(int64())),
}, 'LinuxContainerUser represents user identity information in Linux containers');
export const ContainerUser = object(`${CORE}.ContainerUser`, { linux: opt(1, use(LinuxContainerUser)) }, 'ContainerUser represents user identity information');
export const ResourceHealth = object(`${CORE}.ResourceHealth`, { resourceID: opt(1, str()), health: opt(2, str()), message: opt(6, str()) }, 'ResourceHealth represents the health of a resource.');
export const ResourceStatus = object(`${CORE}.ResourceStatus`, {
  name: opt(1, str()),
  resources: opt(2, Type.Array(use(ResourceHealth), { [K8S_EXT.listType]: 'map', [K8S_EXT.listMapKeys]: ['resourceID'] })),
}, 'ResourceStatus represents the status of a single resource allocated to a Pod.');

export const ContainerStatus = object(`${CORE}.ContainerStatus`, {
  name: opt(1, str()),
  state: opt(2, use(ContainerState)),
  lastState: opt(3, use(ContainerState)),
  ready: opt(4, bool()),
  restartCount: opt(5, int32()),
  image: opt(6, str()),
  imageID: opt(7, str()),
  containerID: opt(8, str()),
  started: opt(9, bool()),
  allocatedResources: opt(10, quantityMap()),
  resources: opt(11, use(ResourceRequirements)),
  volumeMounts: opt(12, mergeList(use(VolumeMountStatus), 'mountPath')),
  user: opt(13, use(ContainerUser)),
  allocatedResourcesStatus: opt(14, mergeList(use(ResourceStatus), 'name')),
  stopSignal: opt(15, str()),
}, 'ContainerStatus contains details for the current status of this container.');
export type ContainerStatus = Static<typeof ContainerStatus>;

export const PodResourceClaimStatus = object(`${CORE}.PodResourceClaimStatus`, { name: opt(1, str()), resourceClaimName: opt(2, str()) }, 'PodResourceClaimStatus is stored in the PodStatus for each PodResourceClaim which references a ResourceClaimTemplate.');
export const ContainerExtendedResourceRequest = object(`${CORE}.ContainerExtendedResourceRequest`, {
  containerName: opt(1, str()), resourceName: opt(2, str()), requestName: opt(3, str()),
}, 'ContainerExtendedResourceRequest has the mapping of container name, extended resource name to the device request name.');
export const PodExtendedResourceClaimStatus = object(`${CORE}.PodExtendedResourceClaimStatus`, {
  requestMappings: opt(1, atomicList(use(ContainerExtendedResourceRequest))),
  resourceClaimName: opt(2, str()),
}, 'PodExtendedResourceClaimStatus is stored in the PodStatus for the extended resource requests backed by DRA.');

function retainKeys<T>(list: T): T {
  (list as Record<string, unknown>)[K8S_EXT.strategy] = 'merge,retainKeys';
  return list;
}

export const PodStatus = object(`${CORE}.PodStatus`, {
  observedGeneration: opt(17, int64()),
  phase: opt(1, str()),
  conditions: opt(2, mergeList(use(PodCondition), 'type')),
  message: opt(3, str()),
  reason: opt(4, str()),
  nominatedNodeName: opt(11, str()),
  hostIP: opt(5, str()),
  hostIPs: opt(16, Type.Array(use(HostIP), { [K8S_EXT.mergeKey]: 'ip', [K8S_EXT.strategy]: 'merge', [K8S_EXT.listType]: 'atomic' })),
  podIP: opt(6, str()),
  podIPs: opt(12, mergeList(use(PodIP), 'ip')),
  startTime: opt(7, time()),
  initContainerStatuses: opt(10, atomicList(use(ContainerStatus))),
  containerStatuses: opt(8, atomicList(use(ContainerStatus))),
  qosClass: opt(9, str()),
  ephemeralContainerStatuses: opt(13, atomicList(use(ContainerStatus))),
  resize: opt(14, str()),
  resourceClaimStatuses: opt(15, retainKeys(mergeList(use(PodResourceClaimStatus), 'name'))),
  extendedResourceClaimStatus: opt(18, use(PodExtendedResourceClaimStatus)),
  allocatedResources: opt(19, quantityMap()),
  resources: opt(20, use(ResourceRequirements)),
}, 'PodStatus represents information about the status of a pod.');
export type PodStatus = Static<typeof PodStatus>;

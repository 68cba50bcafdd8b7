// core/v1 PodSpec (what every workload's template holds) and PodTemplateSpec.
import { type Static, type TSchema, K8S_EXT, opt, str, bool, int32, int64, stringMap, quantityMap, mergeList, atomicList, object } from '../../schema.js';
import { use, objectMetaProp } from '../../meta/v1/types.js';
import { LocalObjectReference } from './common.js';
import { Volume } from './volume.js';
import { Container, EphemeralContainer, ResourceRequirements } from './container.js';
import { PodSecurityContext } from './security-context.js';
import { Affinity, TopologySpreadConstraint } from './affinity.js';
import { Toleration } from './common.js';

const CORE = 'io.k8s.api.core.v1';

/** Lists Kubernetes patches with `merge,retainKeys` (volumes, resourceClaims). */
function retainKeys<T extends TSchema>(list: T): T {
  (list as Record<string, unknown>)[K8S_EXT.strategy] = 'merge,retainKeys';
  return list;
}

export const PodDNSConfigOption = object(`${CORE}.PodDNSConfigOption`, { name: opt(1, str()), value: opt(2, str()) }, "PodDNSConfigOption defines DNS resolver options of a pod.");
export const PodDNSConfig = object(`${CORE}.PodDNSConfig`, {
  nameservers: opt(1, atomicList(str())),
  searches: opt(2, atomicList(str())),
  options: opt(3, atomicList(use(PodDNSConfigOption))),
}, 'PodDNSConfig defines the DNS parameters of a pod in addition to those generated from DNSPolicy.');
export const HostAlias = object(`${CORE}.HostAlias`, { ip: opt(1, str()), hostnames: opt(2, atomicList(str())) }, "HostAlias holds the mapping between IP and hostnames that will be injected as an entry in the pod's hosts file.");
export const PodReadinessGate = object(`${CORE}.PodReadinessGate`, { conditionType: opt(1, str()) }, 'PodReadinessGate contains the reference to a pod condition');
export const PodOS = object(`${CORE}.PodOS`, { name: opt(1, str()) }, 'PodOS defines the OS parameters of a pod.');
export const PodSchedulingGate = object(`${CORE}.PodSchedulingGate`, { name: opt(1, str()) }, 'PodSchedulingGate is associated to a Pod to guard its scheduling.');
export const PodResourceClaim = object(`${CORE}.PodResourceClaim`, {
  name: opt(1, str()),
  resourceClaimName: opt(3, str()),
  resourceClaimTemplateName: opt(4, str()),
}, 'PodResourceClaim references exactly one ResourceClaim, either directly or by naming a ResourceClaimTemplate.');
export const WorkloadReference = object(`${CORE}.WorkloadReference`, { name: opt(1, str()), podGroup: opt(2, str()), podGroupReplicaKey: opt(3, str()) }, 'WorkloadReference identifies the Workload object and PodGroup membership that a Pod belongs to.');

export const PodSpec = object(`${CORE}.PodSpec`, {
  volumes: opt(1, retainKeys(mergeList(use(Volume), 'name'))),
  initContainers: opt(20, mergeList(use(Container), 'name')),
  containers: opt(2, mergeList(use(Container), 'name')),
  ephemeralContainers: opt(34, mergeList(use(EphemeralContainer), 'name')),
  restartPolicy: opt(3, str()),
  terminationGracePeriodSeconds: opt(4, int64()),
  activeDeadlineSeconds: opt(5, int64()),
  dnsPolicy: opt(6, str()),
  nodeSelector: opt(7, stringMap({ [K8S_EXT.mapType]: 'atomic' })),
  serviceAccountName: opt(8, str()),
  serviceAccount: opt(9, str()),
  automountServiceAccountToken: opt(21, bool()),
  nodeName: opt(10, str()),
  hostNetwork: opt(11, bool()),
  hostPID: opt(12, bool()),
  hostIPC: opt(13, bool()),
  shareProcessNamespace: opt(27, bool()),
  securityContext: opt(14, use(PodSecurityContext)),
  imagePullSecrets: opt(15, mergeList(use(LocalObjectReference), 'name')),
  hostname: opt(16, str()),
  subdomain: opt(17, str()),
  affinity: opt(18, use(Affinity)),
  schedulerName: opt(19, str()),
  tolerations: opt(22, atomicList(use(Toleration))),
  hostAliases: opt(23, mergeList(use(HostAlias), 'ip')),
  priorityClassName: opt(24, str()),
  priority: opt(25, int32()),
  dnsConfig: opt(26, use(PodDNSConfig)),
  readinessGates: opt(28, atomicList(use(PodReadinessGate))),
  runtimeClassName: opt(29, str()),
  enableServiceLinks: opt(30, bool()),
  preemptionPolicy: opt(31, str()),
  overhead: opt(32, quantityMap()),
  topologySpreadConstraints: opt(33, mergeList(use(TopologySpreadConstraint), 'topologyKey', {}, ['topologyKey', 'whenUnsatisfiable'])),
  setHostnameAsFQDN: opt(35, bool()),
  os: opt(36, use(PodOS)),
  hostUsers: opt(37, bool()),
  schedulingGates: opt(38, mergeList(use(PodSchedulingGate), 'name')),
  resourceClaims: opt(39, retainKeys(mergeList(use(PodResourceClaim), 'name'))),
  resources: opt(40, use(ResourceRequirements)),
  hostnameOverride: opt(41, str()),
  workloadRef: opt(42, use(WorkloadReference)),
}, 'PodSpec is a description of a pod.');
export type PodSpec = Static<typeof PodSpec>;

export const PodTemplateSpec = object(`${CORE}.PodTemplateSpec`, {
  metadata: objectMetaProp(),
  spec: opt(2, use(PodSpec)),
}, 'PodTemplateSpec describes the data a pod should have when created from a template');
export type PodTemplateSpec = Static<typeof PodTemplateSpec>;

// core/v1 Container and EphemeralContainer with everything they hold: ports, env, resources,
// mounts, probes, lifecycle, security context. Container and EphemeralContainer share one property
// builder; EphemeralContainer embeds EphemeralContainerCommon at protobuf field 1.
import { Type, type Static, type TSchema, K8S_EXT, opt, req, str, bool, int32, quantityMap, mergeList, atomicList, object } from '../../schema.js';
import { use } from '../../meta/v1/types.js';
import { emb } from './pb-embed.js';
import { ObjectFieldSelector, ResourceFieldSelector } from './volume.js';
import { Probe, Lifecycle } from './probe.js';
import { SecurityContext } from './security-context.js';

const CORE = 'io.k8s.api.core.v1';

export const ContainerPort = object(`${CORE}.ContainerPort`, {
  name: opt(1, str()),
  hostPort: opt(2, int32()),
  containerPort: req(3, int32()),
  protocol: opt(4, str({ default: 'TCP' })),
  hostIP: opt(5, str()),
}, 'ContainerPort represents a network port in a single container.');
export type ContainerPort = Static<typeof ContainerPort>;

export const ConfigMapKeySelector = Type.Object({
  name: emb(1, 1, str()),
  key: opt(2, str()),
  optional: opt(3, bool()),
}, { $id: `${CORE}.ConfigMapKeySelector`, additionalProperties: false, [K8S_EXT.mapType]: 'atomic', description: 'Selects a key from a ConfigMap.' });
export const SecretKeySelector = Type.Object({
  name: emb(1, 1, str()),
  key: opt(2, str()),
  optional: opt(3, bool()),
}, { $id: `${CORE}.SecretKeySelector`, additionalProperties: false, [K8S_EXT.mapType]: 'atomic', description: 'SecretKeySelector selects a key of a Secret.' });
export const FileKeySelector = Type.Object({
  volumeName: opt(1, str()),
  path: opt(2, str()),
  key: opt(3, str()),
  optional: opt(4, bool()),
}, { $id: `${CORE}.FileKeySelector`, additionalProperties: false, [K8S_EXT.mapType]: 'atomic', description: 'FileKeySelector selects a key of the env file.' });
export const EnvVarSource = object(`${CORE}.EnvVarSource`, {
  fieldRef: opt(1, use(ObjectFieldSelector)),
  resourceFieldRef: opt(2, use(ResourceFieldSelector)),
  configMapKeyRef: opt(3, use(ConfigMapKeySelector)),
  secretKeyRef: opt(4, use(SecretKeySelector)),
  fileKeyRef: opt(5, use(FileKeySelector)),
}, 'EnvVarSource represents a source for the value of an EnvVar.');
export const EnvVar = object(`${CORE}.EnvVar`, {
  name: req(1, str()),
  value: opt(2, str()),
  valueFrom: opt(3, use(EnvVarSource)),
}, 'EnvVar represents an environment variable present in a Container.');
export type EnvVar = Static<typeof EnvVar>;
export const ConfigMapEnvSource = object(`${CORE}.ConfigMapEnvSource`, { name: emb(1, 1, str()), optional: opt(2, bool()) }, 'ConfigMapEnvSource selects a ConfigMap to populate the environment variables with.');
export const SecretEnvSource = object(`${CORE}.SecretEnvSource`, { name: emb(1, 1, str()), optional: opt(2, bool()) }, 'SecretEnvSource selects a Secret to populate the environment variables with.');
export const EnvFromSource = object(`${CORE}.EnvFromSource`, {
  prefix: opt(1, str()),
  configMapRef: opt(2, use(ConfigMapEnvSource)),
  secretRef: opt(3, use(SecretEnvSource)),
}, 'EnvFromSource represents the source of a set of ConfigMaps or Secrets');

export const ResourceClaim = object(`${CORE}.ResourceClaim`, { name: opt(1, str()), request: opt(2, str()) }, 'ResourceClaim references one entry in PodSpec.ResourceClaims.');
export const ResourceRequirements = object(`${CORE}.ResourceRequirements`, {
  limits: opt(1, quantityMap()),
  requests: opt(2, quantityMap()),
  claims: opt(3, Type.Array(use(ResourceClaim), { [K8S_EXT.listType]: 'map', [K8S_EXT.listMapKeys]: ['name'] })),
}, 'ResourceRequirements describes the compute resource requirements.');
export type ResourceRequirements = Static<typeof ResourceRequirements>;
export const ContainerResizePolicy = object(`${CORE}.ContainerResizePolicy`, { resourceName: opt(1, str()), restartPolicy: opt(2, str()) }, 'ContainerResizePolicy represents resource resize policy for the container.');
export const ContainerRestartRuleOnExitCodes = object(`${CORE}.ContainerRestartRuleOnExitCodes`, {
  operator: opt(1, str()),
  values: opt(2, Type.Array(int32(), { [K8S_EXT.listType]: 'set' })),
}, 'ContainerRestartRuleOnExitCodes describes the condition for handling an exited container based on its exit codes.');
export const ContainerRestartRule = object(`${CORE}.ContainerRestartRule`, {
  action: opt(1, str()),
  exitCodes: opt(2, use(ContainerRestartRuleOnExitCodes)),
}, 'ContainerRestartRule describes how a container exit is handled.');

export const VolumeMount = object(`${CORE}.VolumeMount`, {
  name: req(1, str()),
  readOnly: opt(2, bool()),
  recursiveReadOnly: opt(7, str()),
  mountPath: req(3, str()),
  subPath: opt(4, str()),
  mountPropagation: opt(5, str()),
  subPathExpr: opt(6, str()),
}, 'VolumeMount describes a mounting of a Volume within a container.');
export type VolumeMount = Static<typeof VolumeMount>;
export const VolumeDevice = object(`${CORE}.VolumeDevice`, { name: opt(1, str()), devicePath: opt(2, str()) }, 'volumeDevice describes a mapping of a raw block device within a container.');

/** Container's fields; with `embedField` set, each lives in that embedded protobuf message. */
function containerProps(embedField?: number) {
  const p = <T extends TSchema>(n: number, s: T) => (embedField === undefined ? opt(n, s) : emb(embedField, n, s));
  return {
    // Required, as in Kubernetes' OpenAPI (kubectl explain shows it as -required-).
    name: embedField === undefined ? req(1, str()) : emb(embedField, 1, str()),
    image: p(2, str()),
    command: p(3, atomicList(str())),
    args: p(4, atomicList(str())),
    workingDir: p(5, str()),
    ports: p(6, mergeList(use(ContainerPort), 'containerPort', {}, ['containerPort', 'protocol'])),
    envFrom: p(19, atomicList(use(EnvFromSource))),
    env: p(7, mergeList(use(EnvVar), 'name')),
    resources: p(8, use(ResourceRequirements)),
    resizePolicy: p(23, atomicList(use(ContainerResizePolicy))),
    restartPolicy: p(24, str()),
    restartPolicyRules: p(25, atomicList(use(ContainerRestartRule))),
    volumeMounts: p(9, mergeList(use(VolumeMount), 'mountPath')),
    volumeDevices: p(21, mergeList(use(VolumeDevice), 'devicePath')),
    livenessProbe: p(10, use(Probe)),
    readinessProbe: p(11, use(Probe)),
    startupProbe: p(22, use(Probe)),
    lifecycle: p(12, use(Lifecycle)),
    terminationMessagePath: p(13, str()),
    terminationMessagePolicy: p(20, str()),
    imagePullPolicy: p(14, str()),
    securityContext: p(15, use(SecurityContext)),
    stdin: p(16, bool()),
    stdinOnce: p(17, bool()),
    tty: p(18, bool()),
  };
}

export const Container = object(`${CORE}.Container`, containerProps(), 'A single application container that you want to run within a pod.');
export type Container = Static<typeof Container>;

export const EphemeralContainer = object(`${CORE}.EphemeralContainer`, {
  ...containerProps(1),
  targetContainerName: opt(2, str()),
}, 'An EphemeralContainer is a temporary container that you may add to an existing Pod for user-initiated activities such as debugging.');
export type EphemeralContainer = Static<typeof EphemeralContainer>;

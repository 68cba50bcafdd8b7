// apps/v1 Deployment, ReplicaSet and DaemonSet schemas. Field numbers from k8s.io/api
// apps/v1/generated.proto (kubectl 1.32 sends `create deployment` as protobuf).
import type { Static } from '@sinclair/typebox';
import { K8S_EXT, opt, str, bool, int32, int64, time, intOrString, mergeList, object } from '../../schema.js';
import { use, LabelSelector } from '../../meta/v1/types.js';
import type { KubeObject, ObjectMetaLike } from '../../resource.js';
import { kindObject } from '../../core/v1/common.js';
import { PodTemplateSpec } from '../../core/v1/pod-spec.js';

const APPS = 'io.k8s.api.apps.v1';
const gvk = (kind: string) => ({ group: 'apps', version: 'v1', kind });
type Obj<S> = Omit<S, 'metadata'> & KubeObject & { metadata: ObjectMetaLike };

// --- Deployment ---

export const RollingUpdateDeployment = object(`${APPS}.RollingUpdateDeployment`, {
  maxUnavailable: opt(1, intOrString()),
  maxSurge: opt(2, intOrString()),
}, 'Spec to control the desired behavior of rolling update.');
export const DeploymentStrategy = object(`${APPS}.DeploymentStrategy`, {
  type: opt(1, str()),
  rollingUpdate: opt(2, use(RollingUpdateDeployment)),
}, 'DeploymentStrategy describes how to replace existing pods with new ones.');
export const DeploymentSpec = object(`${APPS}.DeploymentSpec`, {
  replicas: opt(1, int32()),
  selector: opt(2, use(LabelSelector)),
  template: opt(3, use(PodTemplateSpec)),
  strategy: opt(4, (() => { const s = use(DeploymentStrategy); (s as Record<string, unknown>)[K8S_EXT.strategy] = 'retainKeys'; return s; })()),
  minReadySeconds: opt(5, int32()),
  revisionHistoryLimit: opt(6, int32()),
  paused: opt(7, bool()),
  progressDeadlineSeconds: opt(9, int32()),
  podReplacementPolicy: opt(10, str()),
}, 'DeploymentSpec is the specification of the desired behavior of the Deployment.');
export const DeploymentCondition = object(`${APPS}.DeploymentCondition`, {
  type: opt(1, str()),
  status: opt(2, str()),
  lastUpdateTime: opt(6, time()),
  lastTransitionTime: opt(7, time()),
  reason: opt(4, str()),
  message: opt(5, str()),
}, 'DeploymentCondition describes the state of a deployment at a certain point.');
export const DeploymentStatus = object(`${APPS}.DeploymentStatus`, {
  observedGeneration: opt(1, int64()),
  replicas: opt(2, int32()),
  updatedReplicas: opt(3, int32()),
  readyReplicas: opt(7, int32()),
  availableReplicas: opt(4, int32()),
  unavailableReplicas: opt(5, int32()),
  terminatingReplicas: opt(9, int32()),
  conditions: opt(6, mergeList(use(DeploymentCondition), 'type')),
  collisionCount: opt(8, int32()),
}, 'DeploymentStatus is the most recently observed status of the Deployment.');
export const DeploymentSchema = kindObject(`${APPS}.Deployment`, gvk('Deployment'), {
  spec: opt(2, use(DeploymentSpec)),
  status: opt(3, use(DeploymentStatus)),
}, 'Deployment enables declarative updates for Pods and ReplicaSets.');
export type Deployment = Obj<Static<typeof DeploymentSchema>>;

// --- ReplicaSet ---

export const ReplicaSetSpec = object(`${APPS}.ReplicaSetSpec`, {
  replicas: opt(1, int32()),
  minReadySeconds: opt(4, int32()),
  selector: opt(2, use(LabelSelector)),
  template: opt(3, use(PodTemplateSpec)),
}, 'ReplicaSetSpec is the specification of a ReplicaSet.');
export const ReplicaSetCondition = object(`${APPS}.ReplicaSetCondition`, {
  type: opt(1, str()),
  status: opt(2, str()),
  lastTransitionTime: opt(3, time()),
  reason: opt(4, str()),
  message: opt(5, str()),
}, 'ReplicaSetCondition describes the state of a replica set at a certain point.');
export const ReplicaSetStatus = object(`${APPS}.ReplicaSetStatus`, {
  replicas: opt(1, int32()),
  fullyLabeledReplicas: opt(2, int32()),
  readyReplicas: opt(4, int32()),
  availableReplicas: opt(5, int32()),
  terminatingReplicas: opt(7, int32()),
  observedGeneration: opt(3, int64()),
  conditions: opt(6, mergeList(use(ReplicaSetCondition), 'type')),
}, 'ReplicaSetStatus represents the current status of a ReplicaSet.');
export const ReplicaSetSchema = kindObject(`${APPS}.ReplicaSet`, gvk('ReplicaSet'), {
  spec: opt(2, use(ReplicaSetSpec)),
  status: opt(3, use(ReplicaSetStatus)),
}, 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.');
export type ReplicaSet = Obj<Static<typeof ReplicaSetSchema>>;

// --- DaemonSet ---

export const RollingUpdateDaemonSet = object(`${APPS}.RollingUpdateDaemonSet`, {
  maxUnavailable: opt(1, intOrString()),
  maxSurge: opt(2, intOrString()),
}, 'Spec to control the desired behavior of daemon set rolling update.');
export const DaemonSetUpdateStrategy = object(`${APPS}.DaemonSetUpdateStrategy`, {
  type: opt(1, str()),
  rollingUpdate: opt(2, use(RollingUpdateDaemonSet)),
}, 'DaemonSetUpdateStrategy is a struct used to control the update strategy for a DaemonSet.');
export const DaemonSetSpec = object(`${APPS}.DaemonSetSpec`, {
  selector: opt(1, use(LabelSelector)),
  template: opt(2, use(PodTemplateSpec)),
  updateStrategy: opt(3, use(DaemonSetUpdateStrategy)),
  minReadySeconds: opt(4, int32()),
  revisionHistoryLimit: opt(6, int32()),
}, 'DaemonSetSpec is the specification of a daemon set.');
export const DaemonSetCondition = object(`${APPS}.DaemonSetCondition`, {
  type: opt(1, str()),
  status: opt(2, str()),
  lastTransitionTime: opt(3, time()),
  reason: opt(4, str()),
  message: opt(5, str()),
}, 'DaemonSetCondition describes the state of a DaemonSet at a certain point.');
export const DaemonSetStatus = object(`${APPS}.DaemonSetStatus`, {
  currentNumberScheduled: opt(1, int32()),
  numberMisscheduled: opt(2, int32()),
  desiredNumberScheduled: opt(3, int32()),
  numberReady: opt(4, int32()),
  observedGeneration: opt(5, int64()),
  updatedNumberScheduled: opt(6, int32()),
  numberAvailable: opt(7, int32()),
  numberUnavailable: opt(8, int32()),
  collisionCount: opt(9, int32()),
  conditions: opt(10, mergeList(use(DaemonSetCondition), 'type')),
}, 'DaemonSetStatus represents the current status of a daemon set.');
export const DaemonSetSchema = kindObject(`${APPS}.DaemonSet`, gvk('DaemonSet'), {
  spec: opt(2, use(DaemonSetSpec)),
  status: opt(3, use(DaemonSetStatus)),
}, 'DaemonSet represents the configuration of a daemon set.');
export type DaemonSet = Obj<Static<typeof DaemonSetSchema>>;

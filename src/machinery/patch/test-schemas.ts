// Test-only schemas shaped like the real Kubernetes types (containers merged by name, ports by
// containerPort+protocol, env by name, finalizers a set, args atomic, a retainKeys strategy), so the
// patch and apply tests do not depend on the API types being written elsewhere.
import { Type } from '@sinclair/typebox';
import { atomicList, intOrString, int32, int64, mergeList, object, opt, quantityMap, setList, str, stringMap, K8S_EXT } from '../../api/schema.js';

export const ManagedFieldsEntry = object('test.ManagedFieldsEntry', {
  manager: opt(1, str()), operation: opt(2, str()), apiVersion: opt(3, str()), time: opt(4, str()),
  fieldsType: opt(6, str()), fieldsV1: opt(7, Type.Unknown()), subresource: opt(8, str()),
});

export const ObjectMeta = object('test.ObjectMeta', {
  name: opt(1, str()), generateName: opt(2, str()), namespace: opt(3, str()), uid: opt(5, str()),
  resourceVersion: opt(6, str()), generation: opt(7, int64()), creationTimestamp: opt(8, str()),
  labels: opt(11, stringMap()), annotations: opt(12, stringMap()),
  finalizers: opt(14, setList(str())),
  managedFields: opt(17, atomicList(ManagedFieldsEntry)),
});

export const EnvVar = object('test.EnvVar', { name: opt(1, str()), value: opt(2, str()) });
export const ContainerPort = object('test.ContainerPort', {
  name: opt(1, str()), containerPort: opt(3, int32()), protocol: opt(4, str({ default: 'TCP' })),
});
export const Container = object('test.Container', {
  name: opt(1, str()), image: opt(2, str()), command: opt(3, atomicList(str())), args: opt(4, atomicList(str())),
  ports: opt(6, mergeList(ContainerPort, 'containerPort', {}, ['containerPort', 'protocol'])),
  env: opt(7, mergeList(EnvVar, 'name')),
  resources: opt(8, object('test.ResourceRequirements', { limits: opt(1, quantityMap()), requests: opt(2, quantityMap()) })),
  imagePullPolicy: opt(14, str()),
});
export const Volume = object('test.Volume', {
  name: opt(1, str()),
  emptyDir: opt(2, object('test.EmptyDir', { medium: opt(1, str()), sizeLimit: opt(2, str()) })),
  hostPath: opt(3, object('test.HostPath', { path: opt(1, str()), type: opt(2, str()) })),
  configMap: opt(4, object('test.ConfigMapVolume', { name: opt(1, str()) })),
});
export const PodSpec = object('test.PodSpec', {
  volumes: opt(1, Type.Array(Volume, { [K8S_EXT.mergeKey]: 'name', [K8S_EXT.strategy]: 'merge,retainKeys', [K8S_EXT.listType]: 'map', [K8S_EXT.listMapKeys]: ['name'] })),
  containers: opt(2, mergeList(Container, 'name')),
  nodeSelector: opt(7, Type.Record(Type.String(), Type.String(), { [K8S_EXT.mapType]: 'atomic' })),
  nodeName: opt(10, str()),
  tolerations: opt(22, atomicList(object('test.Toleration', { key: opt(1, str()), operator: opt(2, str()), effect: opt(4, str()) }))),
});
export const Pod = object('test.Pod', {
  apiVersion: opt(0, str()), kind: opt(0, str()),
  metadata: opt(1, ObjectMeta), spec: opt(2, PodSpec),
  status: opt(3, object('test.PodStatus', { phase: opt(1, str()), podIP: opt(6, str()) })),
});

export const LabelSelector = Type.Object({ matchLabels: opt(1, stringMap()) }, { $id: 'test.LabelSelector', additionalProperties: false, [K8S_EXT.mapType]: 'atomic' });
export const DeploymentStrategy = Type.Object({
  type: opt(1, str()),
  rollingUpdate: opt(2, object('test.RollingUpdate', { maxUnavailable: opt(1, intOrString()), maxSurge: opt(2, intOrString()) })),
}, { $id: 'test.DeploymentStrategy', additionalProperties: false, [K8S_EXT.strategy]: 'retainKeys' });
export const Deployment = object('test.Deployment', {
  apiVersion: opt(0, str()), kind: opt(0, str()), metadata: opt(1, ObjectMeta),
  spec: opt(2, object('test.DeploymentSpec', {
    replicas: opt(1, int32()), selector: opt(2, LabelSelector),
    template: opt(3, object('test.PodTemplateSpec', { metadata: opt(1, ObjectMeta), spec: opt(2, PodSpec) })),
    strategy: opt(4, DeploymentStrategy),
    paused: opt(7, Type.Boolean()),
  })),
  status: opt(3, object('test.DeploymentStatus', { replicas: opt(2, int32()), readyReplicas: opt(7, int32()) })),
});

export const ConfigMap = object('test.ConfigMap', {
  apiVersion: opt(0, str()), kind: opt(0, str()), metadata: opt(1, ObjectMeta),
  data: opt(2, stringMap()), binaryData: opt(3, stringMap()),
});

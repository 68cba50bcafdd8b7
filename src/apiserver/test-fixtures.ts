// Test support: small ResourceDefs of our own (not the real API types, which evolve) so discovery
// and OpenAPI tests pin their own behaviour.
import { Type } from '@sinclair/typebox';
import type { ResourceDef } from '../api/resource.js';
import { object, opt, req, str, int32, mergeList, quantity, intOrString, stringMap } from '../api/schema.js';

const Meta = object('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', {
  name: opt(1, str({ description: 'Name must be unique within a namespace.' })),
  namespace: opt(3, str()),
  labels: opt(11, stringMap()),
}, 'ObjectMeta is metadata that all persisted resources must have.');

const Container = object('io.k8s.api.core.v1.Container', {
  name: req(1, str({ description: 'Name of the container specified as a DNS_LABEL.' })),
  image: opt(2, str({ description: 'Container image name.' })),
  cpu: opt(3, quantity({ description: 'CPU request.' })),
  port: opt(4, intOrString({ description: 'Port by number or name.' })),
  policy: opt(5, Type.Union([Type.Literal('Always'), Type.Literal('Never')], { description: 'Pull policy.' })),
}, 'A single application container that you want to run within a pod.');

const PodSpec = object('io.k8s.api.core.v1.PodSpec', {
  containers: req(2, mergeList(Container, 'name', { description: 'List of containers belonging to the pod.' })),
  nodeName: opt(10, str()),
}, 'PodSpec is a description of a pod.');

const typeMeta = () => ({ apiVersion: opt(100, str({ description: 'APIVersion defines the versioned schema of this representation of an object.' })), kind: opt(101, str()) });

export const podDef: ResourceDef = {
  group: '', version: 'v1', kind: 'Pod', listKind: 'PodList', plural: 'pods', singular: 'pod', namespaced: true,
  shortNames: ['po'], categories: ['all'],
  schema: object('io.k8s.api.core.v1.Pod', { ...typeMeta(), metadata: opt(1, Meta), spec: opt(2, PodSpec), status: opt(3, Type.Object({ phase: opt(1, str()) }, { additionalProperties: false })) },
    'Pod is a collection of containers that can run on a host.'),
  subresources: { status: true, binding: true },
};

export const configMapDef: ResourceDef = {
  group: '', version: 'v1', kind: 'ConfigMap', listKind: 'ConfigMapList', plural: 'configmaps', singular: 'configmap', namespaced: true,
  shortNames: ['cm'],
  schema: object('io.k8s.api.core.v1.ConfigMap', { ...typeMeta(), metadata: opt(1, Meta), data: opt(2, stringMap()) }, 'ConfigMap holds configuration data for pods to consume.'),
};

export const namespaceDef: ResourceDef = {
  group: '', version: 'v1', kind: 'Namespace', listKind: 'NamespaceList', plural: 'namespaces', singular: 'namespace', namespaced: false,
  shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  schema: object('io.k8s.api.core.v1.Namespace', { ...typeMeta(), metadata: opt(1, Meta) }, 'Namespace provides a scope for Names.'),
  subresources: { status: true },
};

export const deploymentDef: ResourceDef = {
  group: 'apps', version: 'v1', kind: 'Deployment', listKind: 'DeploymentList', plural: 'deployments', singular: 'deployment', namespaced: true,
  shortNames: ['deploy'], categories: ['all'],
  schema: object('io.k8s.api.apps.v1.Deployment', { ...typeMeta(), metadata: opt(1, Meta), spec: opt(2, Type.Object({ replicas: opt(1, int32()), template: opt(3, Type.Object({ spec: opt(2, PodSpec) })) }, { $id: 'io.k8s.api.apps.v1.DeploymentSpec', description: 'DeploymentSpec is the specification of the desired behavior of the Deployment.' })) },
    'Deployment enables declarative updates for Pods and ReplicaSets.'),
  subresources: { status: true, scale: { specReplicas: 'spec.replicas', statusReplicas: 'status.replicas', selector: () => '' } },
};

export const leaseDef: ResourceDef = {
  group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', listKind: 'LeaseList', plural: 'leases', singular: 'lease', namespaced: true,
  schema: object('io.k8s.api.coordination.v1.Lease', { ...typeMeta(), metadata: opt(1, Meta), spec: opt(2, Type.Object({ holderIdentity: opt(1, str()) })) }, 'Lease defines a lease concept.'),
};

export const fixtureResources: ResourceDef[] = [podDef, configMapDef, namespaceDef, deploymentDef, leaseDef];

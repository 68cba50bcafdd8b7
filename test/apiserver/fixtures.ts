// Test resource definitions: small, stable ResourceDefs of our own (the real API types under
// src/api evolve independently), built on the real meta/v1 ObjectMeta so decoding is realistic.
import { Type } from '@sinclair/typebox';
import type { KubeObject, ResourceDef } from '../../src/api/resource.js';
import { object, opt, req, str, int32, int64, mergeList, stringMap, time } from '../../src/api/schema.js';
import { use, ObjectMeta, typeMetaProps } from '../../src/api/meta/v1/types.js';
import { fieldErrors } from '../../src/machinery/field-errors.js';

const meta = () => opt(1, use(ObjectMeta));

const Container = object('test.Container', {
  name: req(1, str()),
  image: opt(2, str()),
  ports: opt(6, mergeList(object('test.ContainerPort', { containerPort: req(3, int32()), name: opt(1, str()) }), 'containerPort')),
});

const PodSpec = object('test.PodSpec', {
  containers: req(2, mergeList(Container, 'name')),
  nodeName: opt(10, str()),
  terminationGracePeriodSeconds: opt(4, int64()),
});

const PodCondition = object('test.PodCondition', {
  type: req(1, str()), status: req(2, str()), lastProbeTime: opt(3, time()), lastTransitionTime: opt(4, time()), reason: opt(5, str()), message: opt(6, str()),
});

const PodStatus = object('test.PodStatus', {
  phase: opt(1, str()),
  conditions: opt(2, mergeList(PodCondition, 'type')),
  podIP: opt(6, str()),
});

function age(obj: KubeObject, now: number): string {
  const t = Date.parse(obj.metadata.creationTimestamp ?? '');
  return Number.isFinite(t) ? `${Math.max(0, Math.floor((now - t) / 1000))}s` : '<unknown>';
}

export const podDef: ResourceDef = {
  group: '', version: 'v1', kind: 'Pod', listKind: 'PodList', plural: 'pods', singular: 'pod', namespaced: true,
  shortNames: ['po'], categories: ['all'],
  schema: object('test.Pod', { ...typeMetaProps(), metadata: meta(), spec: opt(2, PodSpec), status: opt(3, PodStatus) }),
  subresources: { status: true, binding: true },
  defaults(obj) {
    const spec = obj.spec as { terminationGracePeriodSeconds?: number } | undefined;
    if (spec && spec.terminationGracePeriodSeconds === undefined) spec.terminationGracePeriodSeconds = 30;
  },
  prepareForCreate(obj) {
    obj.status = { phase: 'Pending' };
  },
  validate(obj) {
    const spec = obj.spec as { containers?: { name: string; image?: string }[] } | undefined;
    if (!spec?.containers?.length) return [fieldErrors.required('spec.containers', '')];
    return spec.containers.flatMap((c, i) => (c.image ? [] : [fieldErrors.required(`spec.containers[${i}].image`, '')]));
  },
  validateUpdate(obj, old) {
    const errs = podDef.validate!(obj);
    if ((obj.spec as { nodeName?: string }).nodeName !== (old.spec as { nodeName?: string }).nodeName) {
      errs.push(fieldErrors.forbidden('spec', 'pod updates may not change fields other than `spec.containers[*].image`'));
    }
    return errs;
  },
  table: {
    columns: [
      { name: 'Status', type: 'string', priority: 0 },
      { name: 'Age', type: 'string', priority: 0 },
      { name: 'Node', type: 'string', priority: 1 },
    ],
    cells: (obj, now) => [(obj.status as { phase?: string } | undefined)?.phase ?? '', age(obj, now), (obj.spec as { nodeName?: string } | undefined)?.nodeName ?? '<none>'],
  },
  fieldSelectors: {
    'spec.nodeName': (obj) => (obj.spec as { nodeName?: string } | undefined)?.nodeName,
    'status.phase': (obj) => (obj.status as { phase?: string } | undefined)?.phase,
  },
};

export const configMapDef: ResourceDef = {
  group: '', version: 'v1', kind: 'ConfigMap', listKind: 'ConfigMapList', plural: 'configmaps', singular: 'configmap', namespaced: true,
  shortNames: ['cm'],
  schema: object('test.ConfigMap', { ...typeMetaProps(), metadata: meta(), data: opt(2, stringMap()), immutable: opt(4, Type.Boolean()) }),
  table: { columns: [{ name: 'Data', type: 'integer', priority: 0 }], cells: (obj) => [Object.keys((obj.data as object | undefined) ?? {}).length] },
};

export const namespaceDef: ResourceDef = {
  group: '', version: 'v1', kind: 'Namespace', listKind: 'NamespaceList', plural: 'namespaces', singular: 'namespace', namespaced: false,
  shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  schema: object('test.Namespace', {
    ...typeMetaProps(), metadata: meta(),
    spec: opt(2, object('test.NamespaceSpec', { finalizers: opt(1, Type.Array(str())) })),
    status: opt(3, object('test.NamespaceStatus', { phase: opt(1, str()) })),
  }),
  subresources: { status: true },
};

const DeploymentSpec = object('test.DeploymentSpec', {
  replicas: opt(1, int32()),
  selector: opt(2, Type.Object({ matchLabels: opt(1, stringMap()) }, { additionalProperties: false })),
  template: opt(3, Type.Object({ metadata: meta(), spec: opt(2, PodSpec) }, { additionalProperties: false })),
  paused: opt(7, Type.Boolean()),
});

export const deploymentDef: ResourceDef = {
  group: 'apps', version: 'v1', kind: 'Deployment', listKind: 'DeploymentList', plural: 'deployments', singular: 'deployment', namespaced: true,
  shortNames: ['deploy'], categories: ['all'],
  schema: object('test.Deployment', { ...typeMetaProps(), metadata: meta(), spec: opt(2, DeploymentSpec), status: opt(3, object('test.DeploymentStatus', { replicas: opt(2, int32()), observedGeneration: opt(1, int64()) })) }),
  subresources: {
    status: true,
    scale: {
      specReplicas: 'spec.replicas', statusReplicas: 'status.replicas',
      selector: (obj) => Object.entries(((obj.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels) ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
    },
  },
  defaults(obj) {
    const spec = ((obj.spec as Record<string, unknown>) ??= {});
    if (spec.replicas === undefined) spec.replicas = 1;
  },
};

export const eventDef: ResourceDef = {
  group: '', version: 'v1', kind: 'Event', listKind: 'EventList', plural: 'events', singular: 'event', namespaced: true,
  shortNames: ['ev'],
  schema: object('test.Event', {
    ...typeMetaProps(), metadata: meta(),
    involvedObject: opt(2, object('test.ObjectReference', { kind: opt(1, str()), namespace: opt(2, str()), name: opt(3, str()), uid: opt(4, str()) })),
    reason: opt(3, str()), message: opt(4, str()), type: opt(9, str()), count: opt(8, int32()),
  }),
  fieldSelectors: {
    'involvedObject.kind': (o) => (o.involvedObject as { kind?: string } | undefined)?.kind,
    'involvedObject.name': (o) => (o.involvedObject as { name?: string } | undefined)?.name,
    'involvedObject.namespace': (o) => (o.involvedObject as { namespace?: string } | undefined)?.namespace,
    'involvedObject.uid': (o) => (o.involvedObject as { uid?: string } | undefined)?.uid,
    reason: (o) => o.reason as string | undefined,
    type: (o) => o.type as string | undefined,
  },
};

export const leaseDef: ResourceDef = {
  group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', listKind: 'LeaseList', plural: 'leases', singular: 'lease', namespaced: true,
  schema: object('test.Lease', { ...typeMetaProps(), metadata: meta(), spec: opt(2, object('test.LeaseSpec', { holderIdentity: opt(1, str()), leaseDurationSeconds: opt(2, int32()) })) }),
};

export const nodeDef: ResourceDef = {
  group: '', version: 'v1', kind: 'Node', listKind: 'NodeList', plural: 'nodes', singular: 'node', namespaced: false,
  shortNames: ['no'],
  schema: object('test.Node', { ...typeMetaProps(), metadata: meta(), spec: opt(2, object('test.NodeSpec', { unschedulable: opt(7, Type.Boolean()) })), status: opt(3, Type.Object({}, { additionalProperties: true })) }),
  subresources: { status: true },
};

export const testResources: ResourceDef[] = [namespaceDef, podDef, configMapDef, deploymentDef, eventDef, leaseDef, nodeDef];

// core/v1 ReplicationController: schema, defaults (selector and labels from the template),
// validation, strategy hooks, table columns and the scale subresource.
import type { Static } from '@sinclair/typebox';
import { K8S_EXT, opt, str, int32, int64, time, stringMap, mergeList, object } from '../../schema.js';
import { use } from '../../meta/v1/types.js';
import type { KubeObject, ObjectMetaLike, ResourceDef } from '../../resource.js';
import { fieldErrors as fe, type FieldError } from '../../../machinery/field-errors.js';
import { validateLabels } from '../../../machinery/labels/validation.js';
import { selectorFromSet, selectorToString } from '../../../machinery/labels/selector.js';
import { age } from '../../printers/age.js';
import { CORE, kindObject } from './common.js';
import { PodTemplateSpec } from './pod-spec.js';
import { defaultPodTemplate, validateControllerTemplate, selectorMismatch, formatLabels, containersAndImages } from './workload-template.js';

export const ReplicationControllerCondition = object(`${CORE}.ReplicationControllerCondition`, {
  type: opt(1, str()),
  status: opt(2, str()),
  lastTransitionTime: opt(3, time()),
  reason: opt(4, str()),
  message: opt(5, str()),
}, 'ReplicationControllerCondition describes the state of a replication controller at a certain point.');

export const ReplicationControllerSpec = object(`${CORE}.ReplicationControllerSpec`, {
  replicas: opt(1, int32()),
  minReadySeconds: opt(4, int32()),
  selector: opt(2, stringMap({ [K8S_EXT.mapType]: 'atomic' })),
  template: opt(3, use(PodTemplateSpec)),
}, 'ReplicationControllerSpec is the specification of a replication controller.');

export const ReplicationControllerStatus = object(`${CORE}.ReplicationControllerStatus`, {
  replicas: opt(1, int32()),
  fullyLabeledReplicas: opt(2, int32()),
  readyReplicas: opt(4, int32()),
  availableReplicas: opt(5, int32()),
  observedGeneration: opt(3, int64()),
  conditions: opt(6, mergeList(use(ReplicationControllerCondition), 'type')),
}, 'ReplicationControllerStatus represents the current status of a replication controller.');

export const ReplicationControllerSchema = kindObject(`${CORE}.ReplicationController`, { group: '', version: 'v1', kind: 'ReplicationController' }, {
  spec: opt(2, use(ReplicationControllerSpec)),
  status: opt(3, use(ReplicationControllerStatus)),
}, 'ReplicationController represents the configuration of a replication controller.');

export type ReplicationController = Omit<Static<typeof ReplicationControllerSchema>, 'metadata'> & KubeObject & { metadata: ObjectMetaLike };

export function defaultReplicationController(rc: ReplicationController): void {
  rc.spec ??= {};
  const labels = rc.spec.template?.metadata?.labels;
  if (labels) {
    if (!rc.spec.selector || Object.keys(rc.spec.selector).length === 0) rc.spec.selector = { ...labels };
    if (!rc.metadata.labels || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = { ...labels };
  }
  rc.spec.replicas ??= 1;
  defaultPodTemplate(rc.spec.template);
}

export function validateReplicationController(rc: ReplicationController): FieldError[] {
  const spec = rc.spec ?? {};
  const errs: FieldError[] = [];
  if ((spec.minReadySeconds ?? 0) < 0) errs.push(fe.invalid('spec.minReadySeconds', spec.minReadySeconds, 'must be greater than or equal to 0'));
  const selector = spec.selector ?? {};
  if (Object.keys(selector).length === 0) errs.push(fe.required('spec.selector', ''));
  else errs.push(...validateLabels(selector, 'spec.selector'));
  if ((spec.replicas ?? 0) < 0) errs.push(fe.invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  if (!spec.template) {
    errs.push(fe.required('spec.template', ''));
    return errs;
  }
  const labels = spec.template.metadata?.labels ?? {};
  if (Object.keys(selector).length > 0 && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
    errs.push(selectorMismatch(spec.template.metadata?.labels, 'spec.template.metadata.labels'));
  }
  errs.push(...validateControllerTemplate(spec.template, 'spec.template', 'must not be specified'));
  return errs;
}

/** Controllers' status is their own subresource: creates start from an empty status. */
export function prepareReplicationControllerForCreate(rc: ReplicationController): void {
  rc.status = { replicas: 0 };
}

export function prepareReplicationControllerForUpdate(rc: ReplicationController, old: ReplicationController): void {
  if (old.status === undefined) delete rc.status;
  else rc.status = structuredClone(old.status);
}

export const replicationControllerDef: ResourceDef<ReplicationController> = {
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  listKind: 'ReplicationControllerList',
  plural: 'replicationcontrollers',
  singular: 'replicationcontroller',
  namespaced: true,
  shortNames: ['rc'],
  categories: ['all'],
  schema: ReplicationControllerSchema,
  subresources: {
    status: true,
    scale: { specReplicas: 'spec.replicas', statusReplicas: 'status.replicas', selector: (o) => selectorToString(selectorFromSet((o as ReplicationController).spec?.selector ?? {})) },
  },
  defaults: defaultReplicationController,
  validate: validateReplicationController,
  validateUpdate: (rc) => validateReplicationController(rc),
  prepareForCreate: prepareReplicationControllerForCreate,
  prepareForUpdate: prepareReplicationControllerForUpdate,
  table: {
    columns: [
      { name: 'Desired', type: 'integer', priority: 0, description: 'Number of desired pods. This is a pointer to distinguish between explicit zero and unspecified.' },
      { name: 'Current', type: 'integer', priority: 0, description: 'Replicas is the most recently observed number of replicas.' },
      { name: 'Ready', type: 'integer', priority: 0, description: 'The number of ready replicas for this replication controller.' },
      { name: 'Age', type: 'string', priority: 0, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
      { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.' },
      { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.' },
      { name: 'Selector', type: 'string', priority: 1, description: 'Selector is a label query over pods that should match the Replicas count.' },
    ],
    cells(rc, now) {
      const [containers, images] = containersAndImages(rc.spec?.template);
      return [rc.spec?.replicas ?? 0, rc.status?.replicas ?? 0, rc.status?.readyReplicas ?? 0, age(rc.metadata.creationTimestamp, now), containers, images, formatLabels(rc.spec?.selector)];
    },
  },
  fieldSelectors: {
    'status.replicas': (rc) => String(rc.status?.replicas ?? 0),
  },
  description: 'ReplicationController represents the configuration of a replication controller.',
};

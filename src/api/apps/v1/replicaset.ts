// apps/v1 ReplicaSet: defaults, validation, strategy, table and scale subresource.
import type { ResourceDef } from '../../resource.js';
import type { FieldError } from '../../../machinery/field-errors.js';
import { age } from '../../printers/age.js';
import { defaultPodTemplate, containersAndImages } from '../../core/v1/workload-template.js';
import { ReplicaSetSchema, type ReplicaSet } from './types.js';
import { validateSelectorAndTemplate, nonNegative, validateImmutableSelector } from './validation.js';
import { keepOldStatus, scaleSelector, formatLabelSelector, AGE_DESCRIPTION, CONTAINERS_COLUMN, IMAGES_COLUMN, SELECTOR_COLUMN } from './strategy.js';

export function defaultReplicaSet(rs: ReplicaSet): void {
  rs.spec ??= {};
  rs.spec.replicas ??= 1;
  defaultPodTemplate(rs.spec.template);
}

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const spec = rs.spec ?? {};
  return [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateSelectorAndTemplate(spec.selector, spec.template, 'spec', 'empty selector is invalid for deployment', 'activeDeadlineSeconds in ReplicaSet is not Supported'),
  ];
}

export const replicaSetDef: ResourceDef<ReplicaSet> = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  listKind: 'ReplicaSetList',
  plural: 'replicasets',
  singular: 'replicaset',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  schema: ReplicaSetSchema,
  subresources: {
    status: true,
    scale: { specReplicas: 'spec.replicas', statusReplicas: 'status.replicas', selector: (o) => scaleSelector((o as ReplicaSet).spec?.selector) },
  },
  defaults: defaultReplicaSet,
  validate: validateReplicaSet,
  validateUpdate: (rs, old) => [...validateReplicaSet(rs), ...validateImmutableSelector(rs.spec?.selector, old.spec?.selector)],
  prepareForCreate: (rs) => { rs.status = { replicas: 0 }; },
  prepareForUpdate: keepOldStatus,
  table: {
    columns: [
      { name: 'Desired', type: 'integer', priority: 0, description: 'Number of desired pods. This is a pointer to distinguish between explicit zero and unspecified.' },
      { name: 'Current', type: 'integer', priority: 0, description: 'Replicas is the most recently observed number of replicas.' },
      { name: 'Ready', type: 'integer', priority: 0, description: 'The number of ready replicas for this replica set.' },
      { name: 'Age', type: 'string', priority: 0, description: AGE_DESCRIPTION },
      CONTAINERS_COLUMN, IMAGES_COLUMN, SELECTOR_COLUMN,
    ],
    cells(rs, now) {
      const [containers, images] = containersAndImages(rs.spec?.template);
      return [
        rs.spec?.replicas ?? 0, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0, age(rs.metadata.creationTimestamp, now),
        containers, images, formatLabelSelector(rs.spec?.selector),
      ];
    },
  },
  fieldSelectors: {
    'status.replicas': (rs) => String(rs.status?.replicas ?? 0),
  },
  description: 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.',
};

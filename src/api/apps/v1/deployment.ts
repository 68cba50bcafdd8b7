// apps/v1 Deployment: defaults (RollingUpdate 25%/25%, revisionHistoryLimit 10,
// progressDeadlineSeconds 600), validation, strategy, table and scale subresource.
import type { ResourceDef } from '../../resource.js';
import { fieldErrors as fe, type FieldError } from '../../../machinery/field-errors.js';
import { age } from '../../printers/age.js';
import { defaultPodTemplate, containersAndImages } from '../../core/v1/workload-template.js';
import { DeploymentSchema, type Deployment } from './types.js';
import { validateSelectorAndTemplate, nonNegative, validateIntOrPercent, isZero, validateImmutableSelector } from './validation.js';
import { keepOldStatus, scaleSelector, formatLabelSelector, AGE_DESCRIPTION, CONTAINERS_COLUMN, IMAGES_COLUMN, SELECTOR_COLUMN } from './strategy.js';

export function defaultDeployment(d: Deployment): void {
  d.spec ??= {};
  const spec = d.spec;
  spec.replicas ??= 1;
  spec.strategy ??= {};
  if (!spec.strategy.type) spec.strategy.type = 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate(spec.template);
}

export function validateDeployment(d: Deployment): FieldError[] {
  const spec = d.spec ?? {};
  const errs: FieldError[] = [];
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateSelectorAndTemplate(spec.selector, spec.template, 'spec', 'empty selector is invalid for deployment', 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  const strategy = spec.strategy ?? {};
  switch (strategy.type) {
    case 'Recreate':
      if (strategy.rollingUpdate) errs.push(fe.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
      break;
    case 'RollingUpdate': {
      const ru = strategy.rollingUpdate;
      if (!ru) {
        errs.push(fe.required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
        break;
      }
      errs.push(...validateIntOrPercent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'));
      errs.push(...validateIntOrPercent(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge'));
      if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) {
        errs.push(fe.invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
      }
      break;
    }
    default:
      errs.push(fe.notSupported('spec.strategy.type', strategy.type ?? '', ['Recreate', 'RollingUpdate']));
  }
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (spec.progressDeadlineSeconds !== undefined) {
    errs.push(...nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(fe.invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

export const deploymentDef: ResourceDef<Deployment> = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  listKind: 'DeploymentList',
  plural: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  schema: DeploymentSchema,
  subresources: {
    status: true,
    scale: { specReplicas: 'spec.replicas', statusReplicas: 'status.replicas', selector: (o) => scaleSelector((o as Deployment).spec?.selector) },
  },
  defaults: defaultDeployment,
  validate: validateDeployment,
  validateUpdate: (d, old) => [...validateDeployment(d), ...validateImmutableSelector(d.spec?.selector, old.spec?.selector)],
  prepareForCreate: (d) => { d.status = {}; },
  prepareForUpdate: keepOldStatus,
  table: {
    columns: [
      { name: 'Ready', type: 'string', priority: 0, description: 'Number of the pod with ready state' },
      { name: 'Up-to-date', type: 'integer', priority: 0, description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.' },
      { name: 'Available', type: 'integer', priority: 0, description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.' },
      { name: 'Age', type: 'string', priority: 0, description: AGE_DESCRIPTION },
      CONTAINERS_COLUMN, IMAGES_COLUMN, SELECTOR_COLUMN,
    ],
    cells(d, now) {
      const [containers, images] = containersAndImages(d.spec?.template);
      return [
        `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, d.status?.updatedReplicas ?? 0, d.status?.availableReplicas ?? 0,
        age(d.metadata.creationTimestamp, now), containers, images, formatLabelSelector(d.spec?.selector),
      ];
    },
  },
  description: 'Deployment enables declarative updates for Pods and ReplicaSets.',
};

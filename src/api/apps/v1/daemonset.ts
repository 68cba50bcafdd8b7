// apps/v1 DaemonSet: defaults (RollingUpdate maxUnavailable 1 / maxSurge 0,
// revisionHistoryLimit 10), validation, strategy and table.
import type { ResourceDef } from '../../resource.js';
import { fieldErrors as fe, type FieldError } from '../../../machinery/field-errors.js';
import { age } from '../../printers/age.js';
import { defaultPodTemplate, containersAndImages, formatLabels } from '../../core/v1/workload-template.js';
import { DaemonSetSchema, type DaemonSet } from './types.js';
import { validateSelectorAndTemplate, nonNegative, validateIntOrPercent, isZero, validateImmutableSelector } from './validation.js';
import { keepOldStatus, formatLabelSelector, AGE_DESCRIPTION, CONTAINERS_COLUMN, IMAGES_COLUMN, SELECTOR_COLUMN } from './strategy.js';

export function defaultDaemonSet(ds: DaemonSet): void {
  ds.spec ??= {};
  const spec = ds.spec;
  spec.updateStrategy ??= {};
  if (!spec.updateStrategy.type) spec.updateStrategy.type = 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
    spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate(spec.template);
}

export function validateDaemonSet(ds: DaemonSet): FieldError[] {
  const spec = ds.spec ?? {};
  const errs = validateSelectorAndTemplate(spec.selector, spec.template, 'spec', 'empty selector is invalid for daemonset', 'activeDeadlineSeconds in DaemonSet is not Supported');
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const us = spec.updateStrategy ?? {};
  switch (us.type) {
    case 'OnDelete':
      break;
    case 'RollingUpdate': {
      const ru = us.rollingUpdate;
      if (!ru) {
        errs.push(fe.required('spec.updateStrategy.rollingUpdate', ''));
        break;
      }
      errs.push(...validateIntOrPercent(ru.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable'));
      errs.push(...validateIntOrPercent(ru.maxSurge, 'spec.updateStrategy.rollingUpdate.maxSurge'));
      if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) {
        errs.push(fe.invalid('spec.updateStrategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
      }
      break;
    }
    default:
      errs.push(fe.notSupported('spec.updateStrategy.type', us.type ?? '', ['OnDelete', 'RollingUpdate']));
  }
  return errs;
}

export const daemonSetDef: ResourceDef<DaemonSet> = {
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  listKind: 'DaemonSetList',
  plural: 'daemonsets',
  singular: 'daemonset',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  schema: DaemonSetSchema,
  subresources: { status: true },
  defaults: defaultDaemonSet,
  validate: validateDaemonSet,
  validateUpdate: (ds, old) => [...validateDaemonSet(ds), ...validateImmutableSelector(ds.spec?.selector, old.spec?.selector)],
  prepareForCreate: (ds) => { ds.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }; },
  prepareForUpdate: keepOldStatus,
  table: {
    columns: [
      { name: 'Desired', type: 'integer', priority: 0, description: 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).' },
      { name: 'Current', type: 'integer', priority: 0, description: 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.' },
      { name: 'Ready', type: 'integer', priority: 0, description: 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.' },
      { name: 'Up-to-date', type: 'integer', priority: 0, description: 'The total number of nodes that are running updated daemon pod' },
      { name: 'Available', type: 'integer', priority: 0, description: 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)' },
      { name: 'Node Selector', type: 'string', priority: 0, description: 'NodeSelector is a selector which must be true for the pod to fit on a node.' },
      { name: 'Age', type: 'string', priority: 0, description: AGE_DESCRIPTION },
      CONTAINERS_COLUMN, IMAGES_COLUMN, SELECTOR_COLUMN,
    ],
    cells(ds, now) {
      const s = ds.status ?? {};
      const [containers, images] = containersAndImages(ds.spec?.template);
      return [
        s.desiredNumberScheduled ?? 0, s.currentNumberScheduled ?? 0, s.numberReady ?? 0, s.updatedNumberScheduled ?? 0, s.numberAvailable ?? 0,
        formatLabels(ds.spec?.template?.spec?.nodeSelector), age(ds.metadata.creationTimestamp, now), containers, images, formatLabelSelector(ds.spec?.selector),
      ];
    },
  },
  description: 'DaemonSet represents the configuration of a daemon set.',
};

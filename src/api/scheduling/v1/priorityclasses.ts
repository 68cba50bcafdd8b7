// scheduling.k8s.io/v1 PriorityClass: a name → integer priority that pods refer to by
// spec.priorityClassName; the scheduler orders and preempts by it (k8s.io/api/scheduling/v1).
import { type Static, opt, str, int32, bool } from '../../schema.js';
import type { KubeObject, ResourceDef } from '../../resource.js';
import { kindObject } from '../../core/v1/common.js';
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';
import { age } from '../../printers/age.js';

export const PriorityClassSchema = kindObject('io.k8s.api.scheduling.v1.PriorityClass', { group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass' }, {
  value: opt(2, int32({ description: 'value represents the integer value of this priority class.' })),
  globalDefault: opt(3, bool({ description: 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.' })),
  description: opt(4, str({ description: 'description is an arbitrary string that usually provides guidelines on when this priority class should be used.' })),
  preemptionPolicy: opt(5, str({ description: 'preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority.' })),
}, 'PriorityClass defines mapping from a priority class name to the priority integer value.');
export type PriorityClass = Static<typeof PriorityClassSchema> & KubeObject;

/** Values above this are reserved for the system classes (HighestUserDefinablePriority). */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
export const SYSTEM_PRIORITY_CLASSES: { name: string; value: number; description: string }[] = [
  { name: 'system-node-critical', value: 2_000_001_000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: 2_000_000_000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];
const PREEMPTION_POLICIES = ['Never', 'PreemptLowerPriority'];

function validate(pc: PriorityClass): FieldError[] {
  const errs: FieldError[] = [];
  const name = pc.metadata.name ?? '';
  const system = SYSTEM_PRIORITY_CLASSES.find((s) => s.name === name);
  if (name.startsWith('system-') && !system) {
    errs.push(fieldErrors.forbidden('metadata.name', 'priority class names with \'system-\' prefix are reserved for system use only'));
  }
  if (pc.value === undefined) errs.push(fieldErrors.required('value', ''));
  else if (!system && pc.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(fieldErrors.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (pc.preemptionPolicy !== undefined && !PREEMPTION_POLICIES.includes(pc.preemptionPolicy)) {
    errs.push(fieldErrors.notSupported('preemptionPolicy', pc.preemptionPolicy, PREEMPTION_POLICIES));
  }
  return errs;
}

function validateUpdate(pc: PriorityClass, old: PriorityClass): FieldError[] {
  const errs = validate(pc);
  if (pc.value !== old.value) errs.push(fieldErrors.forbidden('value', 'may not be changed in an update.'));
  if (pc.preemptionPolicy !== old.preemptionPolicy) errs.push(fieldErrors.invalid('preemptionPolicy', pc.preemptionPolicy, 'field is immutable'));
  return errs;
}

export const priorityclasses: ResourceDef<PriorityClass> = {
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  listKind: 'PriorityClassList',
  plural: 'priorityclasses',
  singular: 'priorityclass',
  namespaced: false,
  shortNames: ['pc'],
  schema: PriorityClassSchema,
  defaults(pc) {
    pc.preemptionPolicy ??= 'PreemptLowerPriority';
  },
  validate,
  validateUpdate,
  table: {
    columns: [
      { name: 'Value', type: 'integer', priority: 0, description: 'value represents the integer value of this priority class.' },
      { name: 'Global-Default', type: 'boolean', priority: 0, description: 'globalDefault specifies whether this PriorityClass should be considered as the default priority.' },
      { name: 'Age', type: 'string', priority: 0, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
      { name: 'PreemptionPolicy', type: 'string', priority: 0, description: 'preemptionPolicy is the Policy for preempting pods with lower priority.' },
    ],
    cells: (pc, now) => [pc.value ?? 0, pc.globalDefault ?? false, age(pc.metadata.creationTimestamp, now), pc.preemptionPolicy ?? ''],
  },
  description: 'PriorityClass defines mapping from a priority class name to the priority integer value.',
};

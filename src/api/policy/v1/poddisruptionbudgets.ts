// policy/v1 PodDisruptionBudget as a served resource: validation (Kubernetes' messages), the status
// subresource, short name pdb, and the columns `kubectl get pdb` prints.
import type { ResourceDef } from '../../resource.js';
import type { FieldError } from '../../../machinery/field-errors.js';
import { fieldErrors as fe } from '../../../machinery/field-errors.js';
import { validateLabelSelector } from '../../../machinery/labels/validation.js';
import { validateIntOrPercent } from '../../apps/v1/validation.js';
import { age } from '../../printers/age.js';
import { PodDisruptionBudgetSchema, type PodDisruptionBudget, type PodDisruptionBudgetSpec, UNHEALTHY_POD_EVICTION_POLICIES } from './types.js';

/**
 * Go's %#v of the internal spec, which is what Kubernetes prints as the bad value when both
 * minAvailable and maxUnavailable are set. Pointers print as addresses there; ours are stand-ins.
 */
function goSpecRepr(s: PodDisruptionBudgetSpec): string {
  let addr = 0xc000010000;
  const ptr = (type: string, v: unknown) => `(*${type})(${v === undefined ? 'nil' : '0x' + (addr += 0x20).toString(16)})`;
  return `policy.PodDisruptionBudgetSpec{MinAvailable:${ptr('intstr.IntOrString', s.minAvailable)}, Selector:${ptr('v1.LabelSelector', s.selector)}, ` +
    `MaxUnavailable:${ptr('intstr.IntOrString', s.maxUnavailable)}, UnhealthyPodEvictionPolicy:${ptr('policy.UnhealthyPodEvictionPolicyType', s.unhealthyPodEvictionPolicy)}}`;
}

/** ValidatePodDisruptionBudgetSpec. */
export function validatePodDisruptionBudget(pdb: PodDisruptionBudget): FieldError[] {
  const errs: FieldError[] = [];
  const s = pdb.spec ?? {};
  if (s.minAvailable !== undefined && s.maxUnavailable !== undefined) {
    errs.push({ type: 'FieldValueInvalid', field: 'spec', message: `Invalid value: ${goSpecRepr(s)}: minAvailable and maxUnavailable cannot be both set` });
  }
  errs.push(...validateIntOrPercent(s.minAvailable, 'spec.minAvailable'));
  errs.push(...validateIntOrPercent(s.maxUnavailable, 'spec.maxUnavailable'));
  errs.push(...validateLabelSelector(s.selector as never, 'spec.selector'));
  if (s.unhealthyPodEvictionPolicy !== undefined && !UNHEALTHY_POD_EVICTION_POLICIES.includes(s.unhealthyPodEvictionPolicy)) {
    errs.push(fe.notSupported('spec.unhealthyPodEvictionPolicy', s.unhealthyPodEvictionPolicy, UNHEALTHY_POD_EVICTION_POLICIES));
  }
  return errs;
}

/** ValidatePodDisruptionBudgetStatusUpdate (policy/v1): the counts are never negative. */
export function validatePodDisruptionBudgetStatus(pdb: PodDisruptionBudget): FieldError[] {
  const st = pdb.status ?? {};
  const errs: FieldError[] = [];
  for (const f of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] as const) {
    const v = st[f];
    if (v !== undefined && v < 0) errs.push(fe.invalid(`status.${f}`, v, 'must be greater than or equal to 0'));
  }
  return errs;
}

const intOrStringText = (v: number | string | undefined) => (v === undefined ? 'N/A' : String(v));

export const poddisruptionbudgets: ResourceDef<PodDisruptionBudget> = {
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  listKind: 'PodDisruptionBudgetList',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  namespaced: true,
  shortNames: ['pdb'],
  schema: PodDisruptionBudgetSchema,
  subresources: { status: true },
  validate: validatePodDisruptionBudget,
  validateUpdate: (pdb) => [...validatePodDisruptionBudget(pdb), ...validatePodDisruptionBudgetStatus(pdb)],
  // Kubernetes' PrepareForCreate: a new budget starts with an empty (all-zero) status.
  prepareForCreate(pdb) {
    pdb.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  },
  table: {
    columns: [
      { name: 'Min Available', type: 'string', priority: 0, description: 'The minimum number of pods that must be available.' },
      { name: 'Max Unavailable', type: 'string', priority: 0, description: 'The maximum number of pods that may be unavailable.' },
      { name: 'Allowed Disruptions', type: 'integer', priority: 0, description: 'Calculated number of pods that may be disrupted at this time.' },
      { name: 'Age', type: 'string', priority: 0, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (pdb, now) => [
      intOrStringText(pdb.spec?.minAvailable), intOrStringText(pdb.spec?.maxUnavailable),
      pdb.status?.disruptionsAllowed ?? 0, age(pdb.metadata.creationTimestamp, now),
    ],
  },
  description: 'PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods',
};

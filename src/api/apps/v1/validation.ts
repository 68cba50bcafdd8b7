// Validation shared by the apps/v1 controllers (pkg/apis/apps/validation): the selector and
// template rules, int-or-percent fields, and the apps/v1 rule that selectors never change.
import { fieldErrors as fe, type FieldError } from '../../../machinery/field-errors.js';
import { validateLabelSelector } from '../../../machinery/labels/validation.js';
import { labelSelectorAsSelector, matches, type Selector } from '../../../machinery/labels/selector.js';
import { isValidPercent } from '../../../machinery/validation/names.js';
import { validateControllerTemplate, selectorMismatch, goStringMap } from '../../core/v1/workload-template.js';
import type { LabelSelector } from '../../meta/v1/types.js';
import type { PodTemplateSpec } from '../../core/v1/pod-spec.js';

/** Go's %#v of a metav1.LabelSelector, as Kubernetes prints it in field errors. */
export function goLabelSelector(sel: LabelSelector | undefined): string {
  if (!sel) return '(*v1.LabelSelector)(nil)';
  const exprs = sel.matchExpressions;
  const reqs = exprs === undefined
    ? '[]v1.LabelSelectorRequirement(nil)'
    : `[]v1.LabelSelectorRequirement{${exprs.map((r) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(r.key)}, Operator:${JSON.stringify(r.operator)}, Values:${r.values === undefined ? '[]string(nil)' : `[]string{${r.values.map((v) => JSON.stringify(v)).join(', ')}}`}}`).join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${reqs}}`;
}

function invalidSelector(path: string, sel: LabelSelector | undefined, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field: path, message: `Invalid value: ${goLabelSelector(sel)}: ${detail}` };
}

/**
 * The selector rules and the template checked against it (ValidatePodTemplateSpecForReplicaSet):
 * required and non-empty selector, template labels matching it, then the template itself.
 */
export function validateSelectorAndTemplate(
  selector: LabelSelector | undefined, template: PodTemplateSpec | undefined, specPath: string, emptySelectorMessage: string, deadlineMessage: string,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!selector) errs.push(fe.required(`${specPath}.selector`, ''));
  else {
    errs.push(...validateLabelSelector(selector, `${specPath}.selector`));
    if (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0) {
      errs.push(invalidSelector(`${specPath}.selector`, selector, emptySelectorMessage));
    }
  }
  let sel: Selector | undefined;
  try {
    sel = labelSelectorAsSelector(selector);
  } catch {
    errs.push(invalidSelector(`${specPath}.selector`, selector, 'invalid label selector'));
  }
  if (sel) {
    if (!template) errs.push(fe.required(`${specPath}.template`, ''));
    else {
      const everything = sel.kind === 'requirements' && sel.requirements.length === 0;
      if (!everything && !matches(sel, template.metadata?.labels ?? {})) errs.push(selectorMismatch(template.metadata?.labels, `${specPath}.template.metadata.labels`));
      errs.push(...validateControllerTemplate(template, `${specPath}.template`, deadlineMessage));
    }
  }
  return errs;
}

export function nonNegative(v: number | undefined, path: string): FieldError[] {
  return v !== undefined && v < 0 ? [fe.invalid(path, v, 'must be greater than or equal to 0')] : [];
}

/** ValidatePositiveIntOrPercent + IsNotMoreThan100Percent. */
export function validateIntOrPercent(v: number | string | undefined, path: string): FieldError[] {
  if (v === undefined) return [];
  if (typeof v === 'number') return nonNegative(v, path);
  const msgs = isValidPercent(v);
  if (msgs.length > 0) return msgs.map((m) => fe.invalid(path, v, m));
  const errs: FieldError[] = [];
  if (Number(v.slice(0, -1)) > 100) errs.push(fe.invalid(path, v, 'must not be greater than 100%'));
  return errs;
}

export function isZero(v: number | string | undefined): boolean {
  return v === 0 || v === '0%';
}

/** apps/v1 forbids changing the selector after creation. */
export function validateImmutableSelector(next: LabelSelector | undefined, old: LabelSelector | undefined, path = 'spec.selector'): FieldError[] {
  if (JSON.stringify(normalize(next)) === JSON.stringify(normalize(old))) return [];
  return [invalidSelector(path, next, 'field is immutable')];
}

function normalize(sel: LabelSelector | undefined): unknown {
  if (!sel) return null;
  const ml = sel.matchLabels ?? {};
  return {
    matchLabels: Object.keys(ml).sort().map((k) => [k, ml[k]]),
    matchExpressions: (sel.matchExpressions ?? []).map((r) => ({ key: r.key, operator: r.operator, values: r.values ?? [] })),
  };
}

/** Scale.status.selector: the selector in its string form ("app=web"). */
export { selectorToString } from '../../../machinery/labels/selector.js';

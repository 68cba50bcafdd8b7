// Object validation for labels and LabelSelector structs (apis/meta/v1/validation): the checks an
// API type's validate() runs on `metadata.labels` and on `spec.selector`, returning FieldErrors.
import { fieldErrors, type FieldError } from '../field-errors.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';
import type { LabelSelector, LabelSelectorRequirement } from './selector.js';

/** A label key (or condition type, finalizer...) must be a qualified name. */
export function validateLabelName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((msg) => fieldErrors.invalid(path, name, msg));
}

/** Every key a qualified name, every value a valid label value; errors carry the map's path. */
export function validateLabels(labels: Record<string, string> | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    for (const msg of isValidLabelValue(v)) errs.push(fieldErrors.invalid(path, v, msg));
  }
  return errs;
}

export function validateLabelSelectorRequirement(r: LabelSelectorRequirement, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const n = r.values?.length ?? 0;
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (n === 0) errs.push(fieldErrors.required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (n > 0) errs.push(fieldErrors.forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(fieldErrors.invalid(`${path}.operator`, r.operator, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(r.key, `${path}.key`));
  return errs;
}

/**
 * ValidateLabelSelector: `path` is where the selector lives (e.g. "spec.selector"). A nil selector
 * is valid here (types that require one check that themselves). Label values inside
 * matchExpressions are not checked, as in Kubernetes.
 */
export function validateLabelSelector(sel: LabelSelector | null | undefined, path: string): FieldError[] {
  if (sel == null) return [];
  const errs = validateLabels(sel.matchLabels, `${path}.matchLabels`);
  (sel.matchExpressions ?? []).forEach((r, i) => errs.push(...validateLabelSelectorRequirement(r, `${path}.matchExpressions[${i}]`)));
  return errs;
}

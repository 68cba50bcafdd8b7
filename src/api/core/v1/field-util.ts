// Small helpers for validation messages whose bad value Go renders with %#v (slices, structs), and
// for the checks many core/v1 types repeat (DNS labels, qualified names, immutable fields).
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../../../machinery/validation/names.js';
import { goStringSlice } from '../../../machinery/validation/go-render.js';

export { goStringSlice };

/** A FieldValueInvalid whose bad value is already rendered (e.g. `[]string{"a"}`). */
export function invalidRendered(field: string, rendered: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: `Invalid value: ${rendered}${detail ? ': ' + detail : ''}` };
}

/** A FieldValueDuplicate whose value is already rendered, with Kubernetes' optional detail. */
export function duplicateRendered(field: string, rendered: string, detail = ''): FieldError {
  return { type: 'FieldValueDuplicate', field, message: `Duplicate value: ${rendered}${detail ? ': ' + detail : ''}` };
}

/** Go's %#v of a typed string slice, e.g. `[]core.IPFamily{"IPv4"}`. */
export function goTypedSlice(type: string, v: readonly string[] | undefined | null): string {
  if (v == null) return `[]${type}(nil)`;
  return `[]${type}{${v.map((s) => JSON.stringify(s)).join(', ')}}`;
}

export function validateDNS1123Label(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((msg) => fieldErrors.invalid(path, value, msg));
}

export function validateDNS1123Subdomain(value: string, path: string): FieldError[] {
  return isDNS1123Subdomain(value).map((msg) => fieldErrors.invalid(path, value, msg));
}

export function validateQualifiedName(value: string, path: string): FieldError[] {
  return isQualifiedName(value).map((msg) => fieldErrors.invalid(path, value, msg));
}

/** ValidateImmutableField for scalar values. */
export function validateImmutable(newVal: unknown, oldVal: unknown, path: string): FieldError[] {
  return newVal === oldVal ? [] : [fieldErrors.invalid(path, newVal, 'field is immutable')];
}

/** Maps equal as Go's reflect.DeepEqual sees them after JSON (absent and empty are the same on the wire). */
export function sameMap(a: Record<string, unknown> | undefined | null, b: Record<string, unknown> | undefined | null): boolean {
  const ka = Object.keys(a ?? {});
  const kb = Object.keys(b ?? {});
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b ?? {}, k) && (a ?? {})[k] === (b ?? {})[k]);
}

/** labels.FormatLabels: "k1=v1,k2=v2" sorted by key, or "<none>". */
export function formatLabels(m: Record<string, string> | undefined | null): string {
  const keys = Object.keys(m ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${m![k]}`).join(',');
}

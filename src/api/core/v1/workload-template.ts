// Rules shared by every controller that stamps pods from a template (ReplicationController,
// ReplicaSet, Deployment, DaemonSet): template defaults, template validation with the
// controller-specific restrictions, the "selector does not match template labels" check, and the
// wide table cells.
import { fieldErrors as fe, type FieldError } from '../../../machinery/field-errors.js';
import { validatePodTemplateSpec } from './pod-validation.js';
import { defaultPodSpec } from './pod-defaults.js';
import type { PodTemplateSpec } from './pod-spec.js';

export function defaultPodTemplate(t: PodTemplateSpec | undefined): void {
  if (!t) return;
  t.spec ??= {};
  defaultPodSpec(t.spec);
}

/**
 * ValidatePodTemplateSpec for a controller: the template itself plus the restrictions controllers
 * add (restartPolicy Always, no activeDeadlineSeconds). `deadlineMessage` is what Kubernetes says
 * about activeDeadlineSeconds for this controller.
 */
export function validateControllerTemplate(t: PodTemplateSpec | undefined, path: string, deadlineMessage: string): FieldError[] {
  if (!t) return [fe.required(path, '')];
  const errs = validatePodTemplateSpec(t, path);
  const restart = t.spec?.restartPolicy;
  if (restart && restart !== 'Always') errs.push(fe.notSupported(`${path}.spec.restartPolicy`, restart, ['Always']));
  if (t.spec?.activeDeadlineSeconds !== undefined) errs.push(fe.invalid(`${path}.spec.activeDeadlineSeconds`, t.spec.activeDeadlineSeconds, deadlineMessage));
  return errs;
}

/** Go's %#v of a map[string]string, as field errors print label maps: `map[string]string{"a":"b"}`. */
export function goStringMap(m: Record<string, string> | undefined): string {
  if (!m) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`).join(', ')}}`;
}

/** `spec.template.metadata.labels: Invalid value: map[string]string{...}: \`selector\` does not match template \`labels\``. */
export function selectorMismatch(labels: Record<string, string> | undefined, path: string): FieldError {
  return { type: 'FieldValueInvalid', field: path, message: `Invalid value: ${goStringMap(labels)}: \`selector\` does not match template \`labels\`` };
}

/** labels.FormatLabels: "a=b,c=d" sorted by key, "<none>" when empty. */
export function formatLabels(m: Record<string, string> | undefined): string {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${m![k]}`).join(',');
}

/** The CONTAINERS and IMAGES cells of `-o wide` for a pod template. */
export function containersAndImages(t: PodTemplateSpec | undefined): [string, string] {
  const cs = t?.spec?.containers ?? [];
  return [cs.map((c) => c.name ?? '').join(','), cs.map((c) => c.image ?? '').join(',')];
}

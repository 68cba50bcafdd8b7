// Pod updates (ValidatePodUpdate): a running pod's spec is immutable except container images,
// activeDeadlineSeconds (set or lowered), added tolerations, removed scheduling gates, and a
// negative terminationGracePeriodSeconds turned into 1.
import { fieldErrors as fe, type FieldError } from '../../../machinery/field-errors.js';
import { inclusiveRangeError } from '../../../machinery/validation/names.js';
import type { PodSpec } from './pod-spec.js';
import type { Toleration } from './common.js';

export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Paths where two values differ, as "path: old -> new" lines (our stand-in for Go's cmp.Diff). */
function diffLines(a: unknown, b: unknown, path: string, out: string[]): void {
  if (deepEqual(a, b)) return;
  const bothObjects = typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects || out.length > 20) {
    out.push(`  ${path}: ${JSON.stringify(a) ?? 'null'} -> ${JSON.stringify(b) ?? 'null'}`);
    return;
  }
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  for (const k of keys) {
    const child = Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`;
    diffLines((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], child, out);
  }
}

function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');
}

/** Existing tolerations must stay; only tolerationSeconds of a NoExecute one may change. */
function validateOnlyAddedTolerations(next: Toleration[] | undefined, old: Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (old ?? []).forEach((o, i) => {
    const kept = (next ?? []).some((n) => sameToleration(n, o) && (n.tolerationSeconds === o.tolerationSeconds || o.effect === 'NoExecute'));
    if (!kept) errs.push(fe.forbidden(`${path}[${i}]`, 'existing toleration can not be modified except its tolerationSeconds'));
  });
  return errs;
}

export function validatePodSpecUpdate(next: PodSpec | undefined, old: PodSpec | undefined, path = 'spec'): FieldError[] {
  const errs: FieldError[] = [];
  const n = next ?? {};
  const o = old ?? {};
  if (n.activeDeadlineSeconds !== undefined) {
    if (n.activeDeadlineSeconds < 0 || n.activeDeadlineSeconds > 2147483647) {
      return [fe.invalid(`${path}.activeDeadlineSeconds`, n.activeDeadlineSeconds, inclusiveRangeError(0, 2147483647))];
    }
    if (o.activeDeadlineSeconds !== undefined && o.activeDeadlineSeconds < n.activeDeadlineSeconds) {
      return [fe.invalid(`${path}.activeDeadlineSeconds`, n.activeDeadlineSeconds, 'must be less than or equal to previous value')];
    }
  } else if (o.activeDeadlineSeconds !== undefined) {
    errs.push(fe.invalid(`${path}.activeDeadlineSeconds`, undefined, 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateOnlyAddedTolerations(n.tolerations, o.tolerations, `${path}.tolerations`));

  // Put back everything that may change, then the remaining spec must equal the old one.
  const munged: PodSpec = structuredClone(n);
  (munged.containers ?? []).forEach((c, i) => { if (o.containers?.[i]) c.image = o.containers[i].image; });
  (munged.initContainers ?? []).forEach((c, i) => { if (o.initContainers?.[i]) c.image = o.initContainers[i].image; });
  munged.activeDeadlineSeconds = o.activeDeadlineSeconds;
  munged.tolerations = o.tolerations;
  if ((o.terminationGracePeriodSeconds ?? 0) < 0 && n.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = o.terminationGracePeriodSeconds;
  const oldGates = new Set((o.schedulingGates ?? []).map((g) => g.name));
  if ((n.schedulingGates ?? []).every((g) => oldGates.has(g.name))) munged.schedulingGates = o.schedulingGates;
  if (!deepEqual(munged, o)) {
    const lines: string[] = [];
    diffLines(o, munged, path, lines);
    errs.push(fe.forbidden(path, `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${lines.join('\n')}\n`));
  }
  return errs;
}

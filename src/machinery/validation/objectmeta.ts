// ObjectMeta validation (k8s.io/apimachinery/pkg/api/validation/objectmeta.go): the metadata rules
// every type's create and update validation starts with.
import { fieldErrors, type FieldError } from '../field-errors.js';
import { validateLabels } from '../labels/validation.js';
import { goQuote, goStringSlice, goTime } from './go-render.js';
import {
  isQualifiedName, nameIsDNSLabel, nameIsDNSSubdomain, nameIsDNS1035Label, nameIsPathSegment, validateNamespaceName,
  type NameValidator,
} from './names.js';

/** The ObjectMeta fields validation looks at (structural: machinery does not import api types). */
export interface ObjectMetaLike {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReferenceLike[];
  finalizers?: string[];
  managedFields?: { manager?: string; operation?: string; fieldsType?: string; subresource?: string }[];
}

export interface OwnerReferenceLike {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export type NameRule = 'dns1123Subdomain' | 'dns1123Label' | 'dns1035Label' | 'path-segment';

export interface ObjectMetaOptions {
  namespaced: boolean;
  /** How names of this type are checked; most types use dns1123Subdomain. A custom function is allowed. */
  nameFn: NameRule | NameValidator;
}

export const FIELD_IMMUTABLE = 'field is immutable';
/** Total size of annotation keys and values: 256 KiB. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;
export const FINALIZER_ORPHAN_DEPENDENTS = 'orphan';
export const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';

const NAME_RULES: Record<NameRule, NameValidator> = {
  dns1123Subdomain: nameIsDNSSubdomain,
  dns1123Label: nameIsDNSLabel,
  dns1035Label: nameIsDNS1035Label,
  'path-segment': nameIsPathSegment,
};

/** A FieldValueInvalid error whose value is already rendered the Go way (slices, times, structs). */
function invalidRendered(field: string, rendered: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: `Invalid value: ${rendered}: ${detail}` };
}

export function validateAnnotations(annotations: Record<string, string> | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    // Annotation keys are qualified names, except that case does not matter.
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldErrors.invalid(path, k, msg));
    total += Buffer.byteLength(k, 'utf8') + Buffer.byteLength(v, 'utf8');
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) errs.push(fieldErrors.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT_B));
  return errs;
}

/** schema.FromAPIVersionAndKind: "v1" -> ("", "v1"); "apps/v1" -> ("apps", "v1"); junk -> no group/version. */
function splitApiVersion(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return { group: '', version: '' };
}

function validateOwnerReference(ref: OwnerReferenceLike, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const { group, version } = splitApiVersion(ref.apiVersion ?? '');
  const kind = ref.kind ?? '';
  if (!version) errs.push(fieldErrors.invalid(`${path}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
  if (!kind) errs.push(fieldErrors.invalid(`${path}.kind`, kind, 'must not be empty'));
  if (!ref.name) errs.push(fieldErrors.invalid(`${path}.name`, ref.name ?? '', 'must not be empty'));
  if (!ref.uid) errs.push(fieldErrors.invalid(`${path}.uid`, ref.uid ?? '', 'must not be empty'));
  if (group === '' && version === 'v1' && kind === 'Event') {
    errs.push(fieldErrors.invalid(path, ref, `${group}/${version}, Kind=${kind} is disallowed from being an owner`));
  }
  return errs;
}

export function validateOwnerReferences(refs: OwnerReferenceLike[] | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller === true) {
      const cur = `${ref.kind ?? ''}/${ref.name ?? ''}`;
      if (firstController) {
        errs.push(fieldErrors.invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`));
      } else {
        firstController = cur;
      }
    }
  }
  return errs;
}

export function validateFinalizerName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((msg) => fieldErrors.invalid(path, name, msg));
}

export function validateFinalizers(finalizers: string[] | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) errs.push(...validateFinalizerName(f, path));
  if (list.includes(FINALIZER_ORPHAN_DEPENDENTS) && list.includes(FINALIZER_DELETE_DEPENDENTS)) {
    errs.push(invalidRendered(path, goStringSlice(list), `finalizer ${FINALIZER_ORPHAN_DEPENDENTS} and ${FINALIZER_DELETE_DEPENDENTS} cannot be both set`));
  }
  return errs;
}

function hasUnprintable(s: string): { ch: string; at: number } | undefined {
  let at = 0;
  for (const ch of s) {
    if (/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u.test(ch) || (/\s/u.test(ch) && ch !== ' ')) return { ch, at };
    at += Buffer.byteLength(ch, 'utf8');
  }
  return undefined;
}

export function validateManagedFields(entries: ObjectMetaLike['managedFields'], path: string): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((e, i) => {
    const p = `${path}[${i}]`;
    if (e.operation !== 'Apply' && e.operation !== 'Update') errs.push(fieldErrors.invalid(`${p}.operation`, e.operation ?? '', 'must be `Apply` or `Update`'));
    if (e.fieldsType && e.fieldsType !== 'FieldsV1') errs.push(fieldErrors.invalid(`${p}.fieldsType`, e.fieldsType, 'must be `FieldsV1`'));
    const m = e.manager ?? '';
    if (Buffer.byteLength(m, 'utf8') > 128) errs.push(fieldErrors.tooLong(`${p}.manager`, 128));
    const bad = hasUnprintable(m);
    if (bad) {
      const cp = bad.ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      errs.push(fieldErrors.invalid(`${p}.manager`, m, `invalid character U+${cp} (at position ${bad.at})`));
    }
    if ((e.subresource ?? '').length > 256) errs.push(fieldErrors.tooLong(`${p}.subresource`, 256));
  });
  return errs;
}

function nonNegative(value: number | undefined, path: string): FieldError[] {
  return (value ?? 0) < 0 ? [fieldErrors.invalid(path, value, 'must be greater than or equal to 0')] : [];
}

/**
 * ValidateObjectMetaAccessor: metadata on create, after generateName has produced a name.
 * `path` is where the metadata sits ("metadata", or "spec.template.metadata" for templates).
 */
export function validateObjectMeta(meta: ObjectMetaLike | undefined | null, opts: ObjectMetaOptions, path = 'metadata'): FieldError[] {
  const m = meta ?? {};
  const nameFn = typeof opts.nameFn === 'function' ? opts.nameFn : NAME_RULES[opts.nameFn];
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of nameFn(m.generateName, true)) errs.push(fieldErrors.invalid(`${path}.generateName`, m.generateName, msg));
  }
  if (!m.name) errs.push(fieldErrors.required(`${path}.name`, 'name or generateName is required'));
  else for (const msg of nameFn(m.name, false)) errs.push(fieldErrors.invalid(`${path}.name`, m.name, msg));

  if (opts.namespaced) {
    if (!m.namespace) errs.push(fieldErrors.required(`${path}.namespace`));
    else for (const msg of validateNamespaceName(m.namespace, false)) errs.push(fieldErrors.invalid(`${path}.namespace`, m.namespace, msg));
  } else if (m.namespace) {
    errs.push(fieldErrors.forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  errs.push(...nonNegative(m.generation, `${path}.generation`));
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(m.finalizers, `${path}.finalizers`));
  errs.push(...validateManagedFields(m.managedFields, `${path}.managedFields`));
  return errs;
}

function immutable(newVal: string, oldVal: string, field: string, rendered: string): FieldError[] {
  return newVal === oldVal ? [] : [invalidRendered(field, rendered, FIELD_IMMUTABLE)];
}

/** Timestamps compare as instants (Go's Semantic.DeepEqual on metav1.Time), not as strings. */
function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return Number.isNaN(ta) || Number.isNaN(tb) ? a === b : Math.floor(ta / 1000) === Math.floor(tb / 1000);
}

/**
 * ValidateObjectMetaAccessorUpdate. The REST layer should copy the stored resourceVersion into
 * an unconditional update before calling this (Kubernetes does the same), since an empty
 * resourceVersion is rejected here.
 */
export function validateObjectMetaUpdate(newMeta: ObjectMetaLike, oldMeta: ObjectMetaLike, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (oldMeta.deletionTimestamp) {
    const oldSet = new Set(oldMeta.finalizers ?? []);
    const extra = [...new Set((newMeta.finalizers ?? []).filter((f) => !oldSet.has(f)))].sort();
    if (extra.length) {
      errs.push(fieldErrors.forbidden(`${path}.finalizers`, `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`));
    }
  }
  if (!newMeta.resourceVersion) errs.push(fieldErrors.invalid(`${path}.resourceVersion`, newMeta.resourceVersion ?? '', 'must be specified for an update'));
  if ((newMeta.generation ?? 0) < (oldMeta.generation ?? 0)) errs.push(fieldErrors.invalid(`${path}.generation`, newMeta.generation ?? 0, 'must not be decremented'));

  const n = (s: string | undefined) => s ?? '';
  errs.push(...immutable(n(newMeta.name), n(oldMeta.name), `${path}.name`, goQuote(n(newMeta.name))));
  errs.push(...immutable(n(newMeta.namespace), n(oldMeta.namespace), `${path}.namespace`, goQuote(n(newMeta.namespace))));
  errs.push(...immutable(n(newMeta.uid), n(oldMeta.uid), `${path}.uid`, goQuote(n(newMeta.uid))));
  if (!sameInstant(newMeta.creationTimestamp, oldMeta.creationTimestamp)) {
    // A zero metav1.Time prints as Go's zero time.
    errs.push(invalidRendered(`${path}.creationTimestamp`, newMeta.creationTimestamp ? goTime(newMeta.creationTimestamp) : '0001-01-01 00:00:00 +0000 UTC', FIELD_IMMUTABLE));
  }
  if (!sameInstant(newMeta.deletionTimestamp, oldMeta.deletionTimestamp)) {
    errs.push(invalidRendered(`${path}.deletionTimestamp`, goTime(newMeta.deletionTimestamp), FIELD_IMMUTABLE));
  }
  if (newMeta.deletionGracePeriodSeconds !== oldMeta.deletionGracePeriodSeconds) {
    errs.push(invalidRendered(`${path}.deletionGracePeriodSeconds`, newMeta.deletionGracePeriodSeconds === undefined ? 'null' : String(newMeta.deletionGracePeriodSeconds), FIELD_IMMUTABLE));
  }
  errs.push(...validateLabels(newMeta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(newMeta.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(newMeta.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateManagedFields(newMeta.managedFields, `${path}.managedFields`));
  return errs;
}

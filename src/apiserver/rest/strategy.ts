// The generic parts of Kubernetes' create/update strategies that every resource shares: system
// metadata, generation, the status subresource split, and the namespace lifecycle defaults.
import { randomUUID } from 'node:crypto';
import type { KubeObject, ResourceDef } from '../../api/resource.js';
import type { FieldError } from '../../machinery/field-errors.js';
import { validateObjectMeta, validateObjectMetaUpdate, type NameRule } from '../../machinery/validation/objectmeta.js';

type Obj = KubeObject;

/** Kubernetes' generateName alphabet (no vowels, no confusable characters). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
export function generateNameSuffix(random: () => number, n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHANUMS[Math.floor(random() * ALPHANUMS.length)];
  return s;
}

export function newUid(): string {
  return randomUUID();
}

// Every write of a second stamps the same text: format it once per second, not once per call.
let lastSecond = NaN;
let lastText = '';
export function rfc3339(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    lastSecond = second;
  }
  return lastText;
}

function hasStatusSubresource(def: ResourceDef): boolean {
  return !!def.subresources?.status;
}

/** Name rules per resource where Kubernetes departs from DNS subdomain. */
const NAME_RULES: Record<string, NameRule> = {
  namespaces: 'dns1123Label',
  services: 'dns1035Label',
};

function nameRule(def: ResourceDef): NameRule {
  // ValidateRBACName: role and binding names are path segments ("system:node").
  if (def.group === 'rbac.authorization.k8s.io') return 'path-segment';
  return (def.group === '' && NAME_RULES[def.plural]) || 'dns1123Subdomain';
}

/** ObjectMeta rules on create (after generateName produced a name). */
export function validateMeta(def: ResourceDef, obj: Obj): FieldError[] {
  return validateObjectMeta(obj.metadata as never, { namespaced: def.namespaced, nameFn: nameRule(def) });
}

/** ObjectMeta rules on update; `obj` carries the stored resourceVersion by now. */
export function validateMetaUpdate(obj: Obj, old: Obj): FieldError[] {
  return validateObjectMetaUpdate(obj.metadata as never, old.metadata as never);
}

/** System fields on a new object (name and namespace already settled). */
export function prepareMetaForCreate(def: ResourceDef, obj: Obj, now: number): void {
  const m = obj.metadata;
  m.uid = newUid();
  m.creationTimestamp = rfc3339(now);
  m.generation = 1;
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
  if (!def.namespaced) delete m.namespace;
  if (def.group === '' && def.plural === 'namespaces') {
    // Namespace strategy: the lifecycle finalizer and phase are the server's, not the user's.
    const spec = ((obj.spec as Record<string, unknown>) ??= {});
    const fins = (spec.finalizers as string[] | undefined) ?? [];
    if (!fins.includes('kubernetes')) fins.push('kubernetes');
    spec.finalizers = fins;
    obj.status = { phase: 'Active' };
    // Without a name (generateName, or none: a 422 follows) the label is set once the name is known.
    if (m.name) m.labels = { ...(m.labels ?? {}), 'kubernetes.io/metadata.name': m.name };
  }
}

/** What an update may not change: identity and deletion state come from the stored object. */
export function keepSystemMeta(obj: Obj, old: Obj): void {
  const m = obj.metadata, o = old.metadata;
  // A different uid in the request is refused by validation (immutable); none means "the same".
  if (!m.uid) m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  m.name = o.name;
  if (o.namespace !== undefined) m.namespace = o.namespace; else delete m.namespace;
  if (o.deletionTimestamp !== undefined) m.deletionTimestamp = o.deletionTimestamp; else delete m.deletionTimestamp;
  if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds; else delete m.deletionGracePeriodSeconds;
  if (o.generateName !== undefined) m.generateName = o.generateName;
  delete m.selfLink;
  m.generation = o.generation;
}

function specOf(obj: Obj): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(sortKeys(rest));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** generation +1 when anything outside metadata and status changed (Kubernetes' rule for specs). */
export function bumpGeneration(obj: Obj, old: Obj): void {
  const g = old.metadata.generation ?? 1;
  obj.metadata.generation = specOf(obj) !== specOf(old) ? g + 1 : g;
}

/** Writes to the main resource keep the stored status when status is a subresource. */
export function keepStatus(def: ResourceDef, obj: Obj, old: Obj): void {
  if (!hasStatusSubresource(def)) return;
  if (old.status === undefined) delete obj.status; else obj.status = old.status;
}

/** A /status write: only status (and, outside apps, labels and annotations) comes from the request. */
export function statusOnly(def: ResourceDef, obj: Obj, old: Obj): Obj {
  const out: Obj = JSON.parse(JSON.stringify(old));
  if (obj.status === undefined) delete out.status; else out.status = obj.status;
  if (def.group !== 'apps') {
    if (obj.metadata.labels !== undefined) out.metadata.labels = obj.metadata.labels; else delete out.metadata.labels;
    if (obj.metadata.annotations !== undefined) out.metadata.annotations = obj.metadata.annotations; else delete out.metadata.annotations;
  }
  if (obj.metadata.managedFields !== undefined) out.metadata.managedFields = obj.metadata.managedFields;
  out.metadata.resourceVersion = obj.metadata.resourceVersion;
  return out;
}

/** Whether an update leaves an object that must now disappear (Kubernetes' ShouldDeleteDuringUpdate). */
export function shouldDeleteDuringUpdate(def: ResourceDef, obj: Obj): boolean {
  const m = obj.metadata;
  if (!m.deletionTimestamp) return false;
  if ((m.finalizers?.length ?? 0) > 0) return false;
  if (def.group === '' && def.plural === 'namespaces') {
    const specFins = ((obj.spec as Record<string, unknown> | undefined)?.finalizers as string[] | undefined) ?? [];
    return specFins.length === 0;
  }
  return (m.deletionGracePeriodSeconds ?? 0) === 0;
}


/** Namespace strategy: spec.finalizers change only through /finalize (the namespace controller's door). */
export function keepNamespaceFinalizers(def: ResourceDef, obj: Obj, old: Obj, subresource: string | undefined): void {
  if (def.group !== '' || def.plural !== 'namespaces' || subresource === 'finalize') return;
  const oldFins = (old.spec as { finalizers?: string[] } | undefined)?.finalizers;
  const spec = ((obj.spec as Record<string, unknown> | undefined) ?? {});
  if (oldFins === undefined) delete spec.finalizers; else spec.finalizers = oldFins;
  obj.spec = spec;
}

// Server-side apply (application/apply-patch+yaml) and the field ownership every other write
// records, as kube-apiserver's fieldmanager does: an applier owns exactly the fields of its
// configuration; fields it applied before and no longer applies are removed unless someone else
// owns them; changing a field another manager owns is a 409 conflict unless forced, which moves
// ownership. Create/update/patch record the fields they changed as an 'Update' manager and take
// them from everyone else.
import type { TSchema } from '@sinclair/typebox';
import { parse as parseYaml } from 'yaml';
import { ApiError } from '../errors.js';
import { isPlainObject } from '../patch/patch-errors.js';
import { schemaNode, type SchemaNode } from '../patch/schema-meta.js';
import { fieldElement, FieldSet, formatPath, type FieldPath } from './field-set.js';
import {
  BEFORE_FIRST_APPLY_MANAGER, capUpdateManagers, decodeManagedFields, encodeManagedFields, formatTime, managerId,
  printManager, STRIPPED_FIELDS, type ManagedFieldsEntry, type ManagerState, type Managers,
} from './managed-fields.js';
import { addedFieldsV1, compareValues, deepEqual, dropNulls, mergeValues, prune, toFieldSet } from './typed.js';

type Obj = Record<string, unknown>;

export interface ApplyOptions {
  /** The stored object, or null when the apply creates it. */
  live: object | null;
  /** The applied configuration (the decoded request body). */
  applied: object;
  manager: string;
  force: boolean;
  schema: TSchema;
  /** The apiVersion served (e.g. "v1", "apps/v1"); the configuration must use it. */
  apiVersion: string;
  /** RFC 3339 time of the request (from the injected clock). */
  now: string;
  subresource?: string;
  /** Paths whose fields are never owned here, e.g. [['status']] on a main resource (reset fields). */
  ignoredFields?: string[][];
}

export interface TrackUpdateOptions {
  /** The stored object, or null on create. */
  old: object | null;
  /** The object about to be stored (may carry managedFields a client set on purpose). */
  updated: object;
  manager: string;
  schema: TSchema;
  apiVersion: string;
  now: string;
  subresource?: string;
  ignoredFields?: string[][];
}

/** Kubernetes' limit on a field manager name. */
export const FIELD_MANAGER_MAX_LENGTH = 128;

/**
 * The manager name when the request has no fieldManager: the User-Agent up to its first "/",
 * unprintable characters dropped, cut at 128 bytes ("kubectl/v1.32.4 (linux/amd64) ..." → "kubectl").
 */
export function managerFromUserAgent(userAgent: string | undefined): string {
  // Each client sends the same User-Agent on every request: derive each name once.
  const key = userAgent ?? '';
  let name = managerNames.get(key);
  if (name === undefined) {
    name = managerFromUserAgentOnce(userAgent);
    if (managerNames.size >= MANAGER_NAMES_CACHED) managerNames.clear();
    managerNames.set(key, name);
  }
  return name;
}

const managerNames = new Map<string, string>();
/** Bounds the memo above (User-Agents are client-chosen). */
const MANAGER_NAMES_CACHED = 256;

function managerFromUserAgentOnce(userAgent: string | undefined): string {
  const head = (userAgent ?? '').split('/')[0];
  let out = '';
  let bytes = 0;
  for (const ch of head) {
    if (!isPrintable(ch)) continue;
    const len = Buffer.byteLength(ch);
    if (bytes + len > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += len;
  }
  return out;
}

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrintable(ch: string): boolean {
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch);
}

/** fieldManager if given, else derived from the User-Agent (managerOrUserAgent upstream). */
export function managerOrUserAgent(fieldManager: string | undefined, userAgent: string | undefined): string {
  return fieldManager ? fieldManager : managerFromUserAgent(userAgent);
}

/** Decodes an apply body (YAML or JSON) into an object; 400 as kube-apiserver words it. */
export function parseApplyBody(body: string | Uint8Array | object): Obj {
  if (typeof body === 'object' && !(body instanceof Uint8Array)) {
    if (!isPlainObject(body)) throw new ApiError(400, 'BadRequest', 'error decoding YAML: the apply configuration must be an object');
    return body;
  }
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  let v: unknown;
  try {
    v = parseYaml(text);
  } catch (e) {
    throw new ApiError(400, 'BadRequest', `error decoding YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isPlainObject(v)) throw new ApiError(400, 'BadRequest', 'error decoding YAML: the apply configuration must be an object');
  return v;
}

function metadataOf(o: Obj): Obj {
  if (!isPlainObject(o.metadata)) o.metadata = {};
  return o.metadata as Obj;
}

function takeManagedFields(o: Obj): unknown {
  const m = isPlainObject(o.metadata) ? o.metadata : undefined;
  if (!m || !('managedFields' in m)) return undefined;
  const raw = m.managedFields;
  delete m.managedFields;
  return raw;
}

/** Without the subtrees this resource never tracks (reset fields such as status on the main resource). */
function withoutIgnored(set: FieldSet, ignored: string[][] | undefined): FieldSet {
  if (!ignored?.length) return set;
  return set.recursiveDifference(FieldSet.fromPaths(ignored.map((p) => p.map(fieldElement)))).compact();
}

/** What a manager may own: without server-owned metadata and without ignored subtrees. */
function ownable(set: FieldSet, ignored: string[][] | undefined): FieldSet {
  return withoutIgnored(set.difference(STRIPPED_FIELDS).compact(), ignored);
}

/** The ignored field paths as a trie of their path elements (an empty path ignores nothing). */
function ignoredTrie(ignored: string[][] | undefined): FieldSet | undefined {
  if (!ignored?.length) return undefined;
  return FieldSet.fromPaths(ignored.filter((p) => p.length > 0).map((p) => p.map(fieldElement)));
}

function writeManagedFields(o: Obj, managers: Managers): Obj {
  const entries = encodeManagedFields(managers);
  const meta = metadataOf(o);
  if (entries.length) meta.managedFields = entries;
  else delete meta.managedFields;
  return o;
}

/**
 * Records an 'Update' by `manager` from `old` (null on create) to `updated`: the fields it added or
 * changed become its own and leave every other manager; removed fields leave everyone.
 */
function recordUpdate(managers: Managers, old: unknown, updated: unknown, n: SchemaNode | undefined, who: Omit<ManagerState, 'set' | 'operation'>, ignored: string[][] | undefined): void {
  const c = compareValues(old ?? {}, updated, n);
  const changed = ownable(c.added.union(c.modified), ignored);
  const removed = withoutIgnored(c.removed, ignored);
  for (const [id, m] of managers) {
    m.set = m.set.difference(changed).difference(removed).compact();
    if (m.set.isEmpty()) managers.delete(id);
  }
  if (changed.isEmpty()) return;
  const id = managerId(who.manager, 'Update', who.apiVersion, who.subresource);
  const prev = managers.get(id);
  managers.set(id, { ...who, operation: 'Update', set: prev ? prev.set.union(changed) : changed });
}

/**
 * Field tracking for create, update and non-apply patches: returns `updated` with managedFields
 * recording `manager`'s changes. Managed fields the client sent are honoured (as Kubernetes does)
 * unless empty or on a subresource; `managedFields: [{}]` clears tracking.
 */
export function trackUpdate(opts: TrackUpdateOptions): object {
  const n = schemaNode(opts.schema);
  const updated = structuredClone(opts.updated) as Obj;
  const old = opts.old ? (structuredClone(opts.old) as Obj) : null;
  const sent = takeManagedFields(updated);
  if (Array.isArray(sent) && sent.length === 1 && isPlainObject(sent[0]) && Object.keys(sent[0]).length === 0) return updated;
  const fromLive = old ? decodeManagedFields(takeManagedFields(old)) : undefined;
  const fromRequest = opts.subresource ? undefined : decodeManagedFields(sent);
  const managers: Managers = fromRequest ?? fromLive ?? new Map();
  recordUpdate(managers, old, updated, n, { manager: opts.manager, apiVersion: opts.apiVersion, subresource: opts.subresource ?? '', time: formatTime(opts.now) }, opts.ignoredFields);
  capUpdateManagers(managers);
  return writeManagedFields(updated, managers);
}

/**
 * trackUpdate for a create (no stored object), changing `opts.updated` IN PLACE instead of
 * copying it: the caller owns the object (a decoded request body). When the client sent no
 * managedFields, the only manager is the creator and it owns every ownable field of the object,
 * so its entry is built from one walk of the object rather than a diff against nothing; the
 * managedFields are exactly trackUpdate's (its unit test compares the two).
 */
export function trackCreate(opts: Omit<TrackUpdateOptions, 'old'>): object {
  const updated = opts.updated as Obj;
  if (!isPlainObject(updated) || (isPlainObject(updated.metadata) && 'managedFields' in updated.metadata)) {
    return trackUpdate({ ...opts, old: null });
  }
  const fieldsV1 = addedFieldsV1(updated, schemaNode(opts.schema), STRIPPED_FIELDS, ignoredTrie(opts.ignoredFields));
  const meta = metadataOf(updated);
  if (fieldsV1 === null) return updated;
  // Keys in encodeManagedFields' order, so the JSON is byte-for-byte the same.
  const e: ManagedFieldsEntry = { manager: opts.manager, operation: 'Update', apiVersion: opts.apiVersion };
  const time = formatTime(opts.now);
  if (time) e.time = time;
  e.fieldsType = 'FieldsV1';
  e.fieldsV1 = fieldsV1;
  if (opts.subresource) e.subresource = opts.subresource;
  meta.managedFields = [e];
  return updated;
}

/**
 * Applies `applied` into `live` for `manager` and returns the object to store, with managedFields.
 * Throws ApiError 400 for a bad configuration and 409 Conflict (with FieldManagerConflict causes)
 * when it would change fields other managers own and `force` is false.
 */
export function serverSideApply(opts: ApplyOptions): object {
  const n = schemaNode(opts.schema);
  const applied = structuredClone(opts.applied) as Obj;
  if (!isPlainObject(applied)) throw new ApiError(400, 'BadRequest', 'error decoding YAML: the apply configuration must be an object');
  if (isPlainObject(applied.metadata) && applied.metadata.managedFields !== undefined && applied.metadata.managedFields !== null) {
    throw new ApiError(400, 'BadRequest', 'metadata.managedFields must be nil');
  }
  if (isPlainObject(applied.metadata)) delete applied.metadata.managedFields;
  if (applied.apiVersion !== opts.apiVersion) {
    throw new ApiError(400, 'BadRequest', `Incorrect version specified in apply patch. Specified patch version: ${typeof applied.apiVersion === 'string' ? applied.apiVersion : ''}, expected: ${opts.apiVersion}`);
  }
  const subresource = opts.subresource ?? '';
  const time = formatTime(opts.now);
  const live = opts.live ? (structuredClone(opts.live) as Obj) : {};
  let managers: Managers = decodeManagedFields(takeManagedFields(live)) ?? new Map();
  if (opts.live && managers.size === 0) {
    // Fields set before anyone applied belong to a stand-in manager, so the first apply can conflict.
    recordUpdate(managers, {}, live, n, { manager: BEFORE_FIRST_APPLY_MANAGER, apiVersion: opts.apiVersion, subresource: '', time }, opts.ignoredFields);
  }

  const errs: string[] = [];
  const configSet = toFieldSet(applied, n, errs);
  if (errs.length) {
    const meta = isPlainObject(applied.metadata) ? applied.metadata : {};
    const nn = `${typeof meta.namespace === 'string' ? meta.namespace : ''}/${typeof meta.name === 'string' ? meta.name : ''}`;
    const what = errs.length === 1 ? errs[0] : `errors:\n${errs.map((e) => `  ${e}`).join('\n')}`;
    throw new ApiError(400, 'BadRequest', `failed to create typed patch object (${nn}; ${opts.apiVersion}, Kind=${String(applied.kind ?? '')}): ${what}`);
  }

  const id = managerId(opts.manager, 'Apply', opts.apiVersion, subresource);
  const previous = managers.get(id);
  const merged = mergeValues(live, applied, n) as Obj;
  const applierSet = withoutIgnored(configSet, opts.ignoredFields);
  if (previous) {
    let owned = applierSet.clone();
    for (const [mid, m] of managers) if (mid !== id) owned = owned.union(m.set);
    prune(merged, previous.set, owned, n);
  }
  dropNulls(merged);

  const c = compareValues(live, merged, n);
  const changed = withoutIgnored(c.added.union(c.modified), opts.ignoredFields);
  const removed = withoutIgnored(c.removed, opts.ignoredFields);
  const conflicts: { m: ManagerState; paths: FieldPath[] }[] = [];
  for (const [mid, m] of managers) {
    if (mid === id) continue;
    const hit = m.set.intersection(changed);
    if (!hit.isEmpty()) conflicts.push({ m, paths: hit.paths() });
  }
  if (conflicts.length && !opts.force) {
    const remaining = conflictsNotFromLastApplied(conflicts, opts.manager, live, n);
    if (remaining.length) throw conflictError(remaining);
  }
  for (const [mid, m] of managers) {
    if (mid === id) continue;
    m.set = m.set.difference(changed).difference(removed).compact();
    if (m.set.isEmpty()) managers.delete(mid);
  }

  const newSet = ownable(applierSet, opts.ignoredFields);
  // A no-op apply keeps its timestamp, as kube-apiserver does not touch the entry then.
  const unchanged = !!previous && deepEqual(live, merged) && deepEqual(previous.set.toFieldsV1(), newSet.toFieldsV1());
  managers.set(id, { manager: opts.manager, operation: 'Apply', apiVersion: opts.apiVersion, subresource, time: unchanged ? previous!.time : time, set: newSet });
  if (opts.manager === KUBECTL_MANAGER) syncLastApplied(merged, applied);
  return writeManagedFields(merged, managers);
}

const KUBECTL_MANAGER = 'kubectl';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

function lastAppliedOf(o: Obj): string | undefined {
  const ann = isPlainObject(o.metadata) && isPlainObject(o.metadata.annotations) ? o.metadata.annotations : undefined;
  const v = ann?.[LAST_APPLIED_ANNOTATION];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * `kubectl apply --server-side` over objects managed by client-side apply: conflicts on fields the
 * last-applied annotation lists are the user's own earlier intent, so they are allowed (the
 * apiserver's lastAppliedManager). Returns the conflicts that remain.
 */
function conflictsNotFromLastApplied(conflicts: { m: ManagerState; paths: FieldPath[] }[], manager: string, live: Obj, n: SchemaNode | undefined) {
  if (manager !== KUBECTL_MANAGER) return conflicts;
  const text = lastAppliedOf(live);
  if (!text) return conflicts;
  let allowed: FieldSet;
  try {
    const errs: string[] = [];
    allowed = toFieldSet(JSON.parse(text), n, errs);
    if (errs.length) return conflicts;
  } catch {
    return conflicts;
  }
  return conflicts
    .map(({ m, paths }) => ({ m, paths: paths.filter((p) => !allowed.has(p)) }))
    .filter((c) => c.paths.length > 0);
}

/** Keeps an existing last-applied annotation in step with what kubectl applies server-side. */
function syncLastApplied(merged: Obj, applied: Obj): void {
  if (!lastAppliedOf(merged)) return;
  const config = structuredClone(applied);
  if (isPlainObject(config.metadata) && isPlainObject(config.metadata.annotations)) {
    delete config.metadata.annotations[LAST_APPLIED_ANNOTATION];
    if (Object.keys(config.metadata.annotations).length === 0) delete config.metadata.annotations;
  }
  const annotations = (merged.metadata as Obj).annotations as Record<string, string>;
  annotations[LAST_APPLIED_ANNOTATION] = `${JSON.stringify(sortKeys(config))}\n`;
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) size += k.length + String(v).length;
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) delete annotations[LAST_APPLIED_ANNOTATION];
}

/** Go encodes maps with sorted keys; the annotation is compared as text, so match it. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isPlainObject(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}

/** 409 as fieldmanager's NewConflictError words it. */
function conflictError(conflicts: { m: ManagerState; paths: FieldPath[] }[]): ApiError {
  conflicts.sort((a, b) => (printManager(a.m) < printManager(b.m) ? -1 : 1));
  const flat = conflicts.flatMap(({ m, paths }) => paths.map((p) => ({ m, p: formatPath(p) })));
  const causes = flat.map(({ m, p }) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(m)}`, field: p }));
  let message: string;
  if (flat.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(flat[0].m)}: ${flat[0].p}`;
  } else {
    const lines: string[] = [];
    for (const { m, paths } of conflicts) {
      lines.push(`conflicts with ${printManager(m)}:`);
      for (const p of paths) lines.push(`- ${formatPath(p)}`);
    }
    message = `Apply failed with ${flat.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}

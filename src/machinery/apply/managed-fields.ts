// metadata.managedFields as Kubernetes keeps it: one entry per (manager, operation, apiVersion for
// updaters, subresource), each with the FieldsV1 trie of the fields that manager owns, sorted
// Apply-first then oldest-first, with at most 10 Update entries (older ones fold into
// "ancient-changes"). Fields the server owns (name, uid, resourceVersion...) are never recorded.
import { isPlainObject } from '../patch/patch-errors.js';
import { fieldElement, FieldSet } from './field-set.js';

export type Operation = 'Apply' | 'Update';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: Operation;
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface ManagerState {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource: string;
  time?: string;
  set: FieldSet;
}

/** Managers keyed by identity: appliers are one manager whatever apiVersion they apply with. */
export type Managers = Map<string, ManagerState>;

export function managerId(manager: string, operation: Operation, apiVersion: string, subresource = ''): string {
  return JSON.stringify([manager, operation, operation === 'Apply' ? '' : apiVersion, subresource]);
}

export const DEFAULT_MAX_UPDATE_MANAGERS = 10;
export const ANCIENT_CHANGES_MANAGER = 'ancient-changes';
export const BEFORE_FIRST_APPLY_MANAGER = 'before-first-apply';

/** Fields never owned (fieldmanager's stripMeta set): exact paths. */
export const STRIPPED_FIELDS = FieldSet.fromPaths([
  ['apiVersion'], ['kind'], ['metadata'],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['metadata', f]),
].map((p) => p.map(fieldElement)));

/** Decodes managedFields; undefined when they are absent or not valid (callers then start afresh). */
export function decodeManagedFields(raw: unknown): Managers | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const out: Managers = new Map();
  for (const e of raw) {
    if (!isPlainObject(e)) return undefined;
    const operation = e.operation;
    if (operation !== 'Apply' && operation !== 'Update') return undefined;
    if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') return undefined;
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(e.fieldsV1 ?? {});
    } catch {
      return undefined;
    }
    const state: ManagerState = {
      manager: typeof e.manager === 'string' ? e.manager : '',
      operation,
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      subresource: typeof e.subresource === 'string' ? e.subresource : '',
      time: typeof e.time === 'string' ? e.time : undefined,
      set,
    };
    const id = managerId(state.manager, operation, state.apiVersion, state.subresource);
    const prev = out.get(id);
    if (prev) prev.set = prev.set.union(set);
    else out.set(id, state);
  }
  return out;
}

/** Encodes managers in Kubernetes' order; managers owning nothing are left out. */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] {
  const list = [...managers.values()].filter((m) => !m.set.isEmpty());
  list.sort((p, q) => {
    if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
    const ps = p.time ? Math.floor(Date.parse(p.time) / 1000) : 0;
    const qs = q.time ? Math.floor(Date.parse(q.time) / 1000) : 0;
    if (ps !== qs) return ps - qs;
    if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
    if (p.apiVersion !== q.apiVersion) return p.apiVersion < q.apiVersion ? -1 : 1;
    return p.subresource < q.subresource ? -1 : p.subresource > q.subresource ? 1 : 0;
  });
  return list.map((m) => {
    const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = m.set.toFieldsV1();
    if (m.subresource) e.subresource = m.subresource;
    return e;
  });
}

/** Folds the oldest Update managers into "ancient-changes" (per apiVersion) past the cap. */
export function capUpdateManagers(managers: Managers, max = DEFAULT_MAX_UPDATE_MANAGERS): void {
  const updaters = [...managers.entries()].filter(([, m]) => m.operation === 'Update' && m.manager !== ANCIENT_CHANGES_MANAGER);
  let count = [...managers.values()].filter((m) => m.operation === 'Update').length;
  if (count <= max) return;
  const secs = (t?: string) => (t ? Math.floor(Date.parse(t) / 1000) : 0);
  updaters.sort(([ia, a], [ib, b]) => secs(a.time) - secs(b.time) || (ia < ib ? -1 : 1));
  for (const [id, m] of updaters) {
    if (count <= max) break;
    const bucketId = managerId(ANCIENT_CHANGES_MANAGER, 'Update', m.apiVersion);
    const bucket = managers.get(bucketId);
    managers.delete(id);
    if (bucket) {
      bucket.set = bucket.set.union(m.set);
      bucket.time = m.time;
      count--;
    } else {
      managers.set(bucketId, { ...m, manager: ANCIENT_CHANGES_MANAGER, subresource: '' });
    }
  }
}

/** How a conflicting manager is named in messages: "kubectl" or "x" using v1 (updaters). */
export function printManager(m: ManagerState): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}

/** metav1.Time: RFC 3339 in whole seconds, UTC. */
let lastInput: string | undefined;
let lastFormatted = '';
export function formatTime(now: string | number | Date): string {
  // Callers pass the same request time text over and over: remember the last one.
  if (typeof now === 'string' && now === lastInput) return lastFormatted;
  const out = formatTimeOnce(now);
  if (typeof now === 'string') { lastInput = now; lastFormatted = out; }
  return out;
}

function formatTimeOnce(now: string | number | Date): string {
  const d = new Date(now);
  if (Number.isNaN(d.getTime())) return String(now);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// A resource is declared once (type, rules, table columns) and served by the API server with no
// server change: this is the whole contract between src/api and src/apiserver.
import type { TSchema } from '@sinclair/typebox';
import type { FieldError } from '../machinery/field-errors.js';

/** Any stored API object (JSON form). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMetaLike;
  [k: string]: unknown;
}

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
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  finalizers?: string[];
  managedFields?: unknown[];
  [k: string]: unknown;
}

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  /** 0 = always shown; 1 = only with -o wide. */
  priority: number;
}

export interface TableDef<T = KubeObject> {
  /** Columns after NAME (NAME is always first and added by the server, unless includesName). */
  columns: TableColumn[];
  /** The columns already hold a `format: name` column where Kubernetes puts it (events: last, wide only). */
  includesName?: boolean;
  /** Cells for the columns above, in order; `now` in ms for ages. */
  cells(obj: T, now: number): unknown[];
}

export interface ScaleDef {
  /** Where replicas live, as JSON paths into the object. */
  specReplicas: string; // e.g. "spec.replicas"
  statusReplicas: string; // e.g. "status.replicas"
  /** Selector string for Scale.status.selector (label selector rendered as a string). */
  selector(obj: KubeObject): string;
}

export interface ResourceDef<T extends KubeObject = KubeObject> {
  group: string; // "" for core
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Verbs served; default create, delete, deletecollection, get, list, patch, update, watch. */
  verbs?: string[];
  /** The object's schema (TypeBox, with `$id`). */
  schema: TSchema;
  subresources?: {
    status?: boolean;
    scale?: ScaleDef;
    /** pods/binding. */
    binding?: boolean;
  };
  /** Kubernetes' SetDefaults: fill defaults in place; runs on every create and update. */
  defaults?(obj: T): void;
  /** Validation of a new object (after defaults). */
  validate?(obj: T): FieldError[];
  /** Validation of an update (after defaults); include immutability checks against old. */
  validateUpdate?(obj: T, old: T): FieldError[];
  /** Strategy hooks: e.g. pods clear status on create, services keep allocated fields on update. */
  prepareForCreate?(obj: T): void;
  prepareForUpdate?(obj: T, old: T): void;
  /** Whether status is a separate subresource (main writes ignore status). Default: subresources.status. */
  table?: TableDef<T>;
  /** Extra field selectors beyond metadata.name / metadata.namespace. */
  fieldSelectors?: Record<string, (obj: T) => string | undefined>;
  /** Printed by `kubectl explain`. */
  description?: string;
}

export function apiVersionOf(def: Pick<ResourceDef, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

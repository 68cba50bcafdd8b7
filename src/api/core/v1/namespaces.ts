// core/v1 Namespace: cluster-scoped; phase Active until deleted, then Terminating while the
// namespace controller empties it and removes the "kubernetes" finalizer.
import { type Static, opt, req, str, time, mergeList, atomicList, object } from '../../schema.js';
import type { KubeObject, ResourceDef } from '../../resource.js';
import { use } from '../../meta/v1/types.js';
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';
import { isQualifiedName } from '../../../machinery/validation/names.js';
import { CORE, kindObject } from './common.js';
import { age } from '../../printers/age.js';

export const NamespaceCondition = object(`${CORE}.NamespaceCondition`, {
  type: req(1, str()),
  status: req(2, str()),
  lastTransitionTime: opt(4, time()),
  reason: opt(5, str()),
  message: opt(6, str()),
}, 'NamespaceCondition contains details about state of namespace.');

export const NamespaceSpec = object(`${CORE}.NamespaceSpec`, {
  finalizers: opt(1, atomicList(str())),
}, 'NamespaceSpec describes the attributes on a Namespace.');

export const NamespaceStatus = object(`${CORE}.NamespaceStatus`, {
  phase: opt(1, str()),
  conditions: opt(2, mergeList(use(NamespaceCondition), 'type')),
}, 'NamespaceStatus is information about the current status of a Namespace.');
export type NamespaceStatus = Static<typeof NamespaceStatus>;

export const NamespaceSchema = kindObject(`${CORE}.Namespace`, { group: '', version: 'v1', kind: 'Namespace' }, {
  spec: opt(2, use(NamespaceSpec)),
  status: opt(3, use(NamespaceStatus)),
}, 'Namespace provides a scope for Names. Use of multiple namespaces is optional.');
export type Namespace = Static<typeof NamespaceSchema> & KubeObject;

/** The finalizer the namespace controller removes once the namespace is empty. */
export const FINALIZER_KUBERNETES = 'kubernetes';
/** Label every namespace carries with its own name (so selectors can pick namespaces by name). */
export const LABEL_METADATA_NAME = 'kubernetes.io/metadata.name';
const STANDARD_FINALIZERS = new Set([FINALIZER_KUBERNETES, 'orphan', 'foregroundDeletion']);

/** SetDefaults_Namespace + SetDefaults_NamespaceStatus. */
export function defaultNamespace(ns: Namespace): void {
  if (ns.metadata.name) ns.metadata.labels = { ...(ns.metadata.labels ?? {}), [LABEL_METADATA_NAME]: ns.metadata.name };
  const st = (ns.status ??= {}) as NamespaceStatus;
  if (!st.phase) st.phase = 'Active';
}

/** Create: the server owns status and requires its lifecycle finalizer. */
export function prepareNamespaceForCreate(ns: Namespace): void {
  ns.status = { phase: 'Active' };
  const spec = (ns.spec ??= {});
  const fins = spec.finalizers ?? [];
  if (!fins.includes(FINALIZER_KUBERNETES)) fins.push(FINALIZER_KUBERNETES);
  spec.finalizers = fins;
}

/** validateFinalizerName for spec.finalizers (the path has no index, as in Kubernetes). */
export function validateNamespace(ns: Namespace): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ns.spec?.finalizers ?? []) {
    const msgs = isQualifiedName(f);
    for (const msg of msgs) errs.push(fieldErrors.invalid('spec.finalizers', f, msg));
    if (!msgs.length && !f.includes('/') && !STANDARD_FINALIZERS.has(f)) {
      errs.push(fieldErrors.invalid('spec.finalizers', f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
  return errs;
}

/**
 * ValidateNamespaceStatusUpdate's phase rule. Every update is checked (status writes included);
 * a main write carries the stored status, which already obeys it.
 */
export function validateNamespaceUpdate(ns: Namespace, _old: Namespace): FieldError[] {
  const errs = validateNamespace(ns);
  const phase = (ns.status as NamespaceStatus | undefined)?.phase ?? '';
  if (!ns.metadata.deletionTimestamp) {
    if (phase !== 'Active') errs.push(fieldErrors.invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== 'Terminating') {
    errs.push(fieldErrors.invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}

export const namespaces: ResourceDef<Namespace> = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  schema: NamespaceSchema,
  subresources: { status: true },
  defaults: defaultNamespace,
  validate: validateNamespace,
  validateUpdate: validateNamespaceUpdate,
  prepareForCreate: prepareNamespaceForCreate,
  table: {
    columns: [
      { name: 'Status', type: 'string', priority: 0, description: 'The status of the namespace' },
      { name: 'Age', type: 'string', priority: 0, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (ns, now) => [(ns.status as NamespaceStatus | undefined)?.phase ?? '', age(ns.metadata.creationTimestamp, now)],
  },
  fieldSelectors: {
    'status.phase': (ns) => (ns.status as NamespaceStatus | undefined)?.phase ?? '',
  },
  description: 'Namespace provides a scope for Names. Use of multiple namespaces is optional.',
};

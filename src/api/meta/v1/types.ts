// meta/v1 (k8s.io/apimachinery/pkg/apis/meta/v1): the metadata every object carries and the
// small shared types (selectors, conditions, Status, DeleteOptions). Field numbers are those of
// staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto.
import {
  Type, type Static, type TSchema, K8S_EXT,
  opt, req, str, bool, int32, int64, time, stringMap, mergeList, atomicList, setList, object,
} from '../../schema.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/**
 * A fresh copy of a named schema, for use as a property. `pb()` writes `x-pb` onto the schema it is
 * given, so a shared named schema (ObjectMeta, ObjectReference...) must be copied before each use or
 * the last parent's field number would win everywhere. The copy keeps `$id`, so OpenAPI still
 * renders a `$ref`. Shallow (symbol keys such as TypeBox's Kind included): only the top level is
 * written, and the nested schemas are never changed after they are made, so every use can share
 * them. A deep copy per use cost about half a second of every process start (PodSpec and the volume
 * sources are used many times over).
 */
export function use<T extends TSchema>(schema: T): T {
  return { ...schema };
}

/** metav1.Time as a named type (fields use `time()` from schema.ts). */
export const Time = time({ $id: `${META}.Time` });
export type Time = Static<typeof Time>;

/** FieldsV1: the managed-fields set as free-form JSON; in protobuf `{bytes Raw = 1}`, the same wire shape as RawExtension. */
export const FieldsV1 = Type.Object({}, {
  $id: `${META}.FieldsV1`, additionalProperties: true, 'x-pb-type': 'rawextension', [K8S_EXT.preserveUnknown]: true,
  description: 'FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.',
});
export type FieldsV1 = Static<typeof FieldsV1>;

export const ManagedFieldsEntry = object(`${META}.ManagedFieldsEntry`, {
  manager: opt(1, str()),
  operation: opt(2, str()),
  apiVersion: opt(3, str()),
  time: opt(4, time()),
  fieldsType: opt(6, str()),
  fieldsV1: opt(7, use(FieldsV1)),
  subresource: opt(8, str()),
}, 'ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.');
export type ManagedFieldsEntry = Static<typeof ManagedFieldsEntry>;

export const OwnerReference = Type.Object({
  apiVersion: req(5, str()),
  kind: req(1, str()),
  name: req(3, str()),
  uid: req(4, str()),
  controller: opt(6, bool()),
  blockOwnerDeletion: opt(7, bool()),
}, {
  $id: `${META}.OwnerReference`, additionalProperties: false, [K8S_EXT.mapType]: 'atomic',
  description: 'OwnerReference contains enough information to let you identify an owning object.',
});
export type OwnerReference = Static<typeof OwnerReference>;

export const ObjectMeta = object(`${META}.ObjectMeta`, {
  name: opt(1, str()),
  generateName: opt(2, str()),
  namespace: opt(3, str()),
  selfLink: opt(4, str()),
  uid: opt(5, str()),
  resourceVersion: opt(6, str()),
  generation: opt(7, int64()),
  creationTimestamp: opt(8, time()),
  deletionTimestamp: opt(9, time()),
  deletionGracePeriodSeconds: opt(10, int64()),
  labels: opt(11, stringMap()),
  annotations: opt(12, stringMap()),
  ownerReferences: opt(13, mergeList(use(OwnerReference), 'uid')),
  finalizers: opt(14, setList(str())),
  managedFields: opt(17, atomicList(use(ManagedFieldsEntry))),
}, 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.');
export type ObjectMeta = Static<typeof ObjectMeta>;

export const ListMeta = object(`${META}.ListMeta`, {
  selfLink: opt(1, str()),
  resourceVersion: opt(2, str()),
  continue: opt(3, str()),
  remainingItemCount: opt(4, int64()),
}, 'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.');
export type ListMeta = Static<typeof ListMeta>;

export const LabelSelectorRequirement = object(`${META}.LabelSelectorRequirement`, {
  key: req(1, str()),
  operator: req(2, str()),
  values: opt(3, atomicList(str())),
}, 'A label selector requirement is a selector that contains values, a key, and an operator that relates the key and values.');
export type LabelSelectorRequirement = Static<typeof LabelSelectorRequirement>;

export const LabelSelector = Type.Object({
  matchLabels: opt(1, stringMap()),
  matchExpressions: opt(2, atomicList(use(LabelSelectorRequirement))),
}, {
  $id: `${META}.LabelSelector`, additionalProperties: false, [K8S_EXT.mapType]: 'atomic',
  description: 'A label selector is a label query over a set of resources. An empty label selector matches all objects. A null label selector matches no objects.',
});
export type LabelSelector = Static<typeof LabelSelector>;

export const Condition = object(`${META}.Condition`, {
  type: req(1, str()),
  status: req(2, str()),
  observedGeneration: opt(3, int64()),
  lastTransitionTime: req(4, time()),
  reason: req(5, str()),
  message: req(6, str()),
}, 'Condition contains details for one aspect of the current state of this API Resource.');
export type Condition = Static<typeof Condition>;

export const StatusCause = object(`${META}.StatusCause`, {
  reason: opt(1, str()),
  message: opt(2, str()),
  field: opt(3, str()),
}, 'StatusCause provides more information about an api.Status failure, including cases when multiple errors are encountered.');
export type StatusCause = Static<typeof StatusCause>;

export const StatusDetails = object(`${META}.StatusDetails`, {
  name: opt(1, str()),
  group: opt(2, str()),
  kind: opt(3, str()),
  uid: opt(6, str()),
  causes: opt(4, atomicList(use(StatusCause))),
  retryAfterSeconds: opt(5, int32()),
}, 'StatusDetails is a set of additional properties that MAY be set by the server to provide additional information about a response.');
export type StatusDetails = Static<typeof StatusDetails>;

export const Status = object(`${META}.Status`, {
  apiVersion: Type.Optional(str()),
  kind: Type.Optional(str()),
  metadata: opt(1, use(ListMeta)),
  status: opt(2, str()),
  message: opt(3, str()),
  reason: opt(4, str()),
  details: opt(5, use(StatusDetails)),
  code: opt(6, int32()),
}, "Status is a return value for calls that don't return other objects.");
export type Status = Static<typeof Status>;

export const Preconditions = object(`${META}.Preconditions`, {
  uid: opt(1, str()),
  resourceVersion: opt(2, str()),
}, 'Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.');
export type Preconditions = Static<typeof Preconditions>;

export const DeleteOptions = object(`${META}.DeleteOptions`, {
  apiVersion: Type.Optional(str()),
  kind: Type.Optional(str()),
  gracePeriodSeconds: opt(1, int64()),
  preconditions: opt(2, use(Preconditions)),
  orphanDependents: opt(3, bool()),
  propagationPolicy: opt(4, str()),
  dryRun: opt(5, atomicList(str())),
  ignoreStoreReadErrorWithClusterBreakingPotential: opt(6, bool()),
}, 'DeleteOptions may be provided when deleting an API object.');
export type DeleteOptions = Static<typeof DeleteOptions>;

/** The metadata property every top-level object declares (`metadata: ObjectMeta`, field 1). */
export function objectMetaProp() {
  return opt(1, use(ObjectMeta));
}
/** The metadata property every list declares (`metadata: ListMeta`, field 1). */
export function listMetaProp() {
  return opt(1, use(ListMeta));
}
/** apiVersion and kind: TypeMeta lives outside the message in protobuf, so no field numbers. */
export function typeMetaProps() {
  return { apiVersion: Type.Optional(str()), kind: Type.Optional(str()) };
}

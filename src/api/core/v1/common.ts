// core/v1 types shared by several resources (references, taints and tolerations, node selectors),
// and the helper every top-level core/v1 kind uses to declare itself. Field numbers are those of
// k8s.io/api/core/v1/generated.proto.
import { Type, type Static, type TSchema, K8S_EXT, opt, req, str, int64, time, atomicList, object } from '../../schema.js';
import { use, ObjectMeta } from '../../meta/v1/types.js';

export const CORE = 'io.k8s.api.core.v1';

/**
 * A top-level kind: apiVersion/kind (no protobuf numbers: TypeMeta sits outside the message),
 * metadata (field 1) and the kind's own properties, with the group-version-kind OpenAPI extension.
 */
export function kindObject<P extends Record<string, TSchema>>(id: string, gvk: { group: string; version: string; kind: string }, properties: P, description = '') {
  return Type.Object({
    apiVersion: Type.Optional(str()),
    kind: Type.Optional(str()),
    metadata: opt(1, use(ObjectMeta)),
    ...properties,
  }, { $id: id, description, additionalProperties: false, [K8S_EXT.gvk]: [gvk] });
}

/** A struct replaced whole by patches (Go `+structType=atomic`). */
function atomicObject<P extends Record<string, TSchema>>(id: string, properties: P, description: string) {
  return Type.Object(properties, { $id: id, description, additionalProperties: false, [K8S_EXT.mapType]: 'atomic' });
}

export const ObjectReference = atomicObject(`${CORE}.ObjectReference`, {
  kind: opt(1, str()),
  namespace: opt(2, str()),
  name: opt(3, str()),
  uid: opt(4, str()),
  apiVersion: opt(5, str()),
  resourceVersion: opt(6, str()),
  fieldPath: opt(7, str()),
}, 'ObjectReference contains enough information to let you inspect or modify the referred object.');
export type ObjectReference = Static<typeof ObjectReference>;

export const LocalObjectReference = atomicObject(`${CORE}.LocalObjectReference`, {
  name: opt(1, str()),
}, 'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.');
export type LocalObjectReference = Static<typeof LocalObjectReference>;

export const TypedLocalObjectReference = atomicObject(`${CORE}.TypedLocalObjectReference`, {
  apiGroup: opt(1, str()),
  kind: req(2, str()),
  name: req(3, str()),
}, 'TypedLocalObjectReference contains enough information to let you locate the typed referenced object inside the same namespace.');
export type TypedLocalObjectReference = Static<typeof TypedLocalObjectReference>;

export const TypedObjectReference = object(`${CORE}.TypedObjectReference`, {
  apiGroup: opt(1, str()),
  kind: req(2, str()),
  name: req(3, str()),
  namespace: opt(4, str()),
}, 'TypedObjectReference contains enough information to let you locate the typed referenced object.');
export type TypedObjectReference = Static<typeof TypedObjectReference>;

export const SecretReference = atomicObject(`${CORE}.SecretReference`, {
  name: opt(1, str()),
  namespace: opt(2, str()),
}, 'SecretReference represents a Secret Reference. It has enough information to retrieve secret in any namespace.');
export type SecretReference = Static<typeof SecretReference>;

export const Taint = object(`${CORE}.Taint`, {
  key: req(1, str()),
  value: opt(2, str()),
  effect: req(3, str()),
  timeAdded: opt(4, time()),
}, 'The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint.');
export type Taint = Static<typeof Taint>;

export const Toleration = object(`${CORE}.Toleration`, {
  key: opt(1, str()),
  operator: opt(2, str()),
  value: opt(3, str()),
  effect: opt(4, str()),
  tolerationSeconds: opt(5, int64()),
}, 'The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect> using the matching operator <operator>.');
export type Toleration = Static<typeof Toleration>;

export const NodeSelectorRequirement = object(`${CORE}.NodeSelectorRequirement`, {
  key: req(1, str()),
  operator: req(2, str()),
  values: opt(3, atomicList(str())),
}, 'A node selector requirement is a selector that contains values, a key, and an operator that relates the key and values.');
export type NodeSelectorRequirement = Static<typeof NodeSelectorRequirement>;

export const NodeSelectorTerm = atomicObject(`${CORE}.NodeSelectorTerm`, {
  matchExpressions: opt(1, atomicList(use(NodeSelectorRequirement))),
  matchFields: opt(2, atomicList(use(NodeSelectorRequirement))),
}, 'A null or empty node selector term matches no objects. The requirements of them are ANDed.');
export type NodeSelectorTerm = Static<typeof NodeSelectorTerm>;

export const NodeSelector = atomicObject(`${CORE}.NodeSelector`, {
  nodeSelectorTerms: req(1, atomicList(use(NodeSelectorTerm))),
}, 'A node selector represents the union of the results of one or more label queries over a set of nodes.');
export type NodeSelector = Static<typeof NodeSelector>;

/** Protocols a port may carry (core/v1 Protocol). */
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

// Types the OpenAPI documents reference that are not resources of their own group-version:
// Scale (autoscaling/v1, the body of every /scale), Binding, Eviction, WatchEvent, Patch.
// A resource's own declaration of the same `$id` wins (resources are rendered first).
import { Type } from '@sinclair/typebox';
import { object, opt, req, str, int32 } from '../../api/schema.js';
import { ObjectMeta, DeleteOptions, use } from '../../api/meta/v1/types.js';

const typeMeta = () => ({
  apiVersion: Type.Optional(str({ description: 'APIVersion defines the versioned schema of this representation of an object.' })),
  kind: Type.Optional(str({ description: 'Kind is a string value representing the REST resource this object represents.' })),
});

export const Scale = object('io.k8s.api.autoscaling.v1.Scale', {
  ...typeMeta(),
  metadata: opt(1, use(ObjectMeta)),
  spec: opt(2, object('io.k8s.api.autoscaling.v1.ScaleSpec', {
    replicas: opt(1, int32({ description: 'replicas is the desired number of instances for the scaled object.' })),
  }, 'ScaleSpec describes the attributes of a scale subresource.')),
  status: opt(3, object('io.k8s.api.autoscaling.v1.ScaleStatus', {
    replicas: req(1, int32({ description: 'replicas is the actual number of observed instances of the scaled object.' })),
    selector: opt(2, str({ description: 'selector is the label query over pods that should match the replicas count, as a string.' })),
  }, 'ScaleStatus represents the current status of a scale subresource.')),
}, 'Scale represents a scaling request for a resource.');

export const ObjectReference = object('io.k8s.api.core.v1.ObjectReference', {
  kind: opt(1, str({ description: 'Kind of the referent.' })),
  namespace: opt(2, str({ description: 'Namespace of the referent.' })),
  name: opt(3, str({ description: 'Name of the referent.' })),
  uid: opt(4, str({ description: 'UID of the referent.' })),
  apiVersion: opt(5, str({ description: 'API version of the referent.' })),
  resourceVersion: opt(6, str({ description: 'Specific resourceVersion to which this reference is made, if any.' })),
  fieldPath: opt(7, str({ description: 'If referring to a piece of an object instead of an entire object, the path to that piece.' })),
}, 'ObjectReference contains enough information to let you inspect or modify the referred object.');

export const Binding = object('io.k8s.api.core.v1.Binding', {
  ...typeMeta(),
  metadata: opt(1, use(ObjectMeta)),
  target: req(2, ObjectReference),
}, 'Binding ties one object to another; for example, a pod is bound to a node by a scheduler.');

export const Eviction = object('io.k8s.api.policy.v1.Eviction', {
  ...typeMeta(),
  metadata: opt(1, use(ObjectMeta)),
  deleteOptions: opt(2, use(DeleteOptions)),
}, 'Eviction evicts a pod from its node subject to certain policies and safety constraints.');

export const WatchEvent = object('io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent', {
  type: req(1, str({ description: 'ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.' })),
  object: req(2, Type.Object({}, { additionalProperties: true, description: 'The object: its new state for ADDED and MODIFIED, its last state for DELETED, a Status for ERROR.' })),
}, 'Event represents a single event to a watched resource.');

export const Patch = Type.Object({}, { $id: 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' });

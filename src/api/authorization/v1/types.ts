// authorization.k8s.io/v1: the access-review kinds. None is stored: a POST is answered with the
// object plus its status (k8s.io/api/authorization/v1; field numbers from its generated.proto).
import { type Static, opt, str, bool, atomicList, object, Type } from '../../schema.js';
import type { KubeObject } from '../../resource.js';
import { use } from '../../meta/v1/types.js';
import { kindObject } from '../../core/v1/common.js';

export const AUTHORIZATION_GROUP = 'authorization.k8s.io';
const AZ = 'io.k8s.api.authorization.v1';
const gvk = (kind: string) => ({ group: AUTHORIZATION_GROUP, version: 'v1', kind });

const FieldSelectorAttributes = Type.Object({
  rawSelector: opt(1, str()),
  requirements: opt(2, atomicList(Type.Object({ key: str(), operator: str(), values: Type.Optional(atomicList(str())) }, { additionalProperties: false }))),
}, { $id: `${AZ}.FieldSelectorAttributes`, additionalProperties: false });
const LabelSelectorAttributes = Type.Object({
  rawSelector: opt(1, str()),
  requirements: opt(2, atomicList(Type.Object({ key: str(), operator: str(), values: Type.Optional(atomicList(str())) }, { additionalProperties: false }))),
}, { $id: `${AZ}.LabelSelectorAttributes`, additionalProperties: false });

export const ResourceAttributesSchema = object(`${AZ}.ResourceAttributes`, {
  namespace: opt(1, str({ description: 'Namespace is the namespace of the action being requested.' })),
  verb: opt(2, str({ description: 'Verb is a kubernetes resource API verb, like: get, list, watch, create, update, delete, proxy.  "*" means all.' })),
  group: opt(3, str({ description: 'Group is the API Group of the Resource.  "*" means all.' })),
  version: opt(4, str({ description: 'Version is the API Version of the Resource.  "*" means all.' })),
  resource: opt(5, str({ description: 'Resource is one of the existing resource types.  "*" means all.' })),
  subresource: opt(6, str({ description: 'Subresource is one of the existing resource types.  "" means none.' })),
  name: opt(7, str({ description: 'Name is the name of the resource being requested for a "get" or deleted for a "delete". "" (empty) means all.' })),
  fieldSelector: opt(8, use(FieldSelectorAttributes)),
  labelSelector: opt(9, use(LabelSelectorAttributes)),
}, 'ResourceAttributes includes the authorization attributes available for resource requests to the Authorizer interface');
export type ResourceAttributes = Static<typeof ResourceAttributesSchema>;

export const NonResourceAttributesSchema = object(`${AZ}.NonResourceAttributes`, {
  path: opt(1, str({ description: 'Path is the URL path of the request' })),
  verb: opt(2, str({ description: 'Verb is the standard HTTP verb' })),
}, 'NonResourceAttributes includes the authorization attributes available for non-resource requests to the Authorizer interface');
export type NonResourceAttributes = Static<typeof NonResourceAttributesSchema>;

export const SubjectAccessReviewSpecSchema = object(`${AZ}.SubjectAccessReviewSpec`, {
  resourceAttributes: opt(1, use(ResourceAttributesSchema)),
  nonResourceAttributes: opt(2, use(NonResourceAttributesSchema)),
  user: opt(3, str({ description: 'User is the user you\'re testing for.' })),
  groups: opt(4, atomicList(str(), { description: 'Groups is the groups you\'re testing for.' })),
  extra: opt(5, Type.Record(Type.String(), Type.Array(Type.String()), { description: 'Extra corresponds to the user.Info.GetExtra() method from the authenticator.' })),
  uid: opt(6, str({ description: 'UID information about the requesting user.' })),
}, 'SubjectAccessReviewSpec is a description of the access request.  Exactly one of ResourceAuthorizationAttributes and NonResourceAuthorizationAttributes must be set');
export type SubjectAccessReviewSpec = Static<typeof SubjectAccessReviewSpecSchema>;

export const SelfSubjectAccessReviewSpecSchema = object(`${AZ}.SelfSubjectAccessReviewSpec`, {
  resourceAttributes: opt(1, use(ResourceAttributesSchema)),
  nonResourceAttributes: opt(2, use(NonResourceAttributesSchema)),
}, 'SelfSubjectAccessReviewSpec is a description of the access request.  Exactly one of ResourceAuthorizationAttributes and NonResourceAuthorizationAttributes must be set');

export const SubjectAccessReviewStatusSchema = object(`${AZ}.SubjectAccessReviewStatus`, {
  allowed: opt(1, bool({ description: 'Allowed is required. True if the action would be allowed, false otherwise.' })),
  reason: opt(2, str({ description: 'Reason is optional.  It indicates why a request was allowed or denied.' })),
  evaluationError: opt(3, str({ description: 'EvaluationError is an indication that some error occurred during the authorization check.' })),
  denied: opt(4, bool({ description: 'Denied is optional. True if the action would be denied, otherwise false.' })),
}, 'SubjectAccessReviewStatus');
export type SubjectAccessReviewStatus = Static<typeof SubjectAccessReviewStatusSchema>;

export const SubjectAccessReviewSchema = kindObject(`${AZ}.SubjectAccessReview`, gvk('SubjectAccessReview'), {
  spec: opt(2, use(SubjectAccessReviewSpecSchema)),
  status: opt(3, use(SubjectAccessReviewStatusSchema)),
}, 'SubjectAccessReview checks whether or not a user or group can perform an action.');
export const LocalSubjectAccessReviewSchema = kindObject(`${AZ}.LocalSubjectAccessReview`, gvk('LocalSubjectAccessReview'), {
  spec: opt(2, use(SubjectAccessReviewSpecSchema)),
  status: opt(3, use(SubjectAccessReviewStatusSchema)),
}, 'LocalSubjectAccessReview checks whether or not a user or group can perform an action in a given namespace.');
export const SelfSubjectAccessReviewSchema = kindObject(`${AZ}.SelfSubjectAccessReview`, gvk('SelfSubjectAccessReview'), {
  spec: opt(2, use(SelfSubjectAccessReviewSpecSchema)),
  status: opt(3, use(SubjectAccessReviewStatusSchema)),
}, 'SelfSubjectAccessReview checks whether or the current user can perform an action.');

/** The three access-review kinds share one shape; SelfSubjectAccessReview's spec has no user fields. */
export type AccessReview = KubeObject & { spec?: SubjectAccessReviewSpec; status?: SubjectAccessReviewStatus };

export const ResourceRuleSchema = object(`${AZ}.ResourceRule`, {
  verbs: opt(1, atomicList(str())),
  apiGroups: opt(2, atomicList(str())),
  resources: opt(3, atomicList(str())),
  resourceNames: opt(4, atomicList(str())),
}, 'ResourceRule is the list of actions the subject is allowed to perform on resources.');
export const NonResourceRuleSchema = object(`${AZ}.NonResourceRule`, {
  verbs: opt(1, atomicList(str())),
  nonResourceURLs: opt(2, atomicList(str())),
}, 'NonResourceRule holds information that describes a rule for the non-resource');
export type ResourceRule = Static<typeof ResourceRuleSchema>;
export type NonResourceRule = Static<typeof NonResourceRuleSchema>;

export const SubjectRulesReviewStatusSchema = object(`${AZ}.SubjectRulesReviewStatus`, {
  resourceRules: opt(1, atomicList(use(ResourceRuleSchema))),
  nonResourceRules: opt(2, atomicList(use(NonResourceRuleSchema))),
  incomplete: opt(3, bool()),
  evaluationError: opt(4, str()),
}, 'SubjectRulesReviewStatus contains the result of a rules check.');
export type SubjectRulesReviewStatus = Static<typeof SubjectRulesReviewStatusSchema>;

export const SelfSubjectRulesReviewSchema = kindObject(`${AZ}.SelfSubjectRulesReview`, gvk('SelfSubjectRulesReview'), {
  spec: opt(2, use(object(`${AZ}.SelfSubjectRulesReviewSpec`, { namespace: opt(1, str({ description: 'Namespace to evaluate rules for. Required.' })) }, 'SelfSubjectRulesReviewSpec defines the specification for SelfSubjectRulesReview.'))),
  status: opt(3, use(SubjectRulesReviewStatusSchema)),
}, 'SelfSubjectRulesReview enumerates the set of actions the current user can perform within a namespace.');
export type SelfSubjectRulesReview = KubeObject & { spec?: { namespace?: string }; status?: SubjectRulesReviewStatus };

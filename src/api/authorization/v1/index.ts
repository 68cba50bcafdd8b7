// authorization.k8s.io/v1 ResourceDefs: reviews are only created (never stored, listed or watched);
// the API server answers them through ResourceHooks.compute (src/apiserver/authz/reviews.ts).
import type { ResourceDef } from '../../resource.js';
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';
import {
  AUTHORIZATION_GROUP, SubjectAccessReviewSchema, LocalSubjectAccessReviewSchema, SelfSubjectAccessReviewSchema, SelfSubjectRulesReviewSchema,
  type AccessReview, type SelfSubjectRulesReview,
} from './types.js';

export * from './types.js';

/** ValidateSubjectAccessReviewSpec's shared part: exactly one of the attribute kinds. */
function validateAttributes(r: AccessReview): FieldError[] {
  const s = r.spec ?? {};
  if (s.resourceAttributes && s.nonResourceAttributes) {
    return [fieldErrors.invalid('spec.nonResourceAttributes', s.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes')];
  }
  if (!s.resourceAttributes && !s.nonResourceAttributes) {
    return [fieldErrors.invalid('spec.resourceAttributes', 'null', 'exactly one of nonResourceAttributes or resourceAttributes must be specified')];
  }
  return [];
}

function validateSubject(r: AccessReview): FieldError[] {
  const errs = validateAttributes(r);
  if (!r.spec?.user && !r.spec?.groups?.length) errs.push(fieldErrors.invalid('spec.user', r.spec?.user ?? '', 'at least one of user or group must be specified'));
  return errs;
}

function validateLocal(r: AccessReview): FieldError[] {
  const errs = validateSubject(r);
  const ns = r.spec?.resourceAttributes?.namespace ?? '';
  if (r.spec?.resourceAttributes && ns !== (r.metadata.namespace ?? '')) {
    errs.push(fieldErrors.invalid('spec.resourceAttributes.namespace', ns, 'must match metadata.namespace'));
  }
  if (r.spec?.nonResourceAttributes) errs.push(fieldErrors.invalid('spec.nonResourceAttributes', r.spec.nonResourceAttributes, 'disallowed on this kind of request'));
  return errs;
}

const base = { group: AUTHORIZATION_GROUP, version: 'v1', verbs: ['create'] } as const;

export const subjectaccessreviews: ResourceDef<AccessReview> = {
  ...base, verbs: ['create'], kind: 'SubjectAccessReview', listKind: 'SubjectAccessReviewList', plural: 'subjectaccessreviews', singular: 'subjectaccessreview',
  namespaced: false, schema: SubjectAccessReviewSchema, validate: validateSubject,
  description: 'SubjectAccessReview checks whether or not a user or group can perform an action.',
};
export const localsubjectaccessreviews: ResourceDef<AccessReview> = {
  ...base, verbs: ['create'], kind: 'LocalSubjectAccessReview', listKind: 'LocalSubjectAccessReviewList', plural: 'localsubjectaccessreviews', singular: 'localsubjectaccessreview',
  namespaced: true, schema: LocalSubjectAccessReviewSchema, validate: validateLocal,
  description: 'LocalSubjectAccessReview checks whether or not a user or group can perform an action in a given namespace.',
};
export const selfsubjectaccessreviews: ResourceDef<AccessReview> = {
  ...base, verbs: ['create'], kind: 'SelfSubjectAccessReview', listKind: 'SelfSubjectAccessReviewList', plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview',
  namespaced: false, schema: SelfSubjectAccessReviewSchema, validate: validateAttributes,
  description: 'SelfSubjectAccessReview checks whether or the current user can perform an action.',
};
export const selfsubjectrulesreviews: ResourceDef<SelfSubjectRulesReview> = {
  ...base, verbs: ['create'], kind: 'SelfSubjectRulesReview', listKind: 'SelfSubjectRulesReviewList', plural: 'selfsubjectrulesreviews', singular: 'selfsubjectrulesreview',
  namespaced: false, schema: SelfSubjectRulesReviewSchema,
  validate: (r) => (r.spec?.namespace ? [] : [fieldErrors.required('spec.namespace', '')]),
  description: 'SelfSubjectRulesReview enumerates the set of actions the current user can perform within a namespace.',
};

// Every ResourceDef authorization.k8s.io/v1 serves.
export const resources: ResourceDef<any>[] = [localsubjectaccessreviews, selfsubjectaccessreviews, selfsubjectrulesreviews, subjectaccessreviews];

// The authentication.k8s.io resources the API server serves: create-only, never stored; their
// answers come from ResourceHooks.compute (src/apiserver/serviceaccount/authentication-api.ts).
import type { ResourceDef } from '../../resource.js';
import { GROUP, TokenReviewSchema, selfSubjectReviewSchema, type TokenReview, type SelfSubjectReview } from './types.js';

export const tokenreviews: ResourceDef<TokenReview> = {
  group: GROUP,
  version: 'v1',
  kind: 'TokenReview',
  listKind: 'TokenReviewList',
  plural: 'tokenreviews',
  singular: 'tokenreview',
  namespaced: false,
  verbs: ['create'],
  schema: TokenReviewSchema,
  description: 'TokenReview attempts to authenticate a token to a known user.',
};

function selfSubjectReviews(version: string): ResourceDef<SelfSubjectReview> {
  return {
    group: GROUP,
    version,
    kind: 'SelfSubjectReview',
    listKind: 'SelfSubjectReviewList',
    plural: 'selfsubjectreviews',
    singular: 'selfsubjectreview',
    namespaced: false,
    verbs: ['create'],
    schema: selfSubjectReviewSchema(version),
    description: 'SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request.',
  };
}

export const selfsubjectreviews = selfSubjectReviews('v1');
/** kubectl 1.27's `auth whoami` asks v1beta1 (then v1alpha1); 1.28+ asks v1 first. */
export const selfsubjectreviewsV1beta1 = selfSubjectReviews('v1beta1');

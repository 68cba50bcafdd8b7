// authentication.k8s.io/v1: TokenReview (is this token good, and whose is it), TokenRequest (the
// body of serviceaccounts/token) and SelfSubjectReview (who am I). None of them is ever stored.
// Field numbers from k8s.io/api/authentication/v1/generated.proto.
import { Type, type Static, opt, str, int64, time, object, atomicList } from '../../schema.js';
import type { KubeObject } from '../../resource.js';
import { use } from '../../meta/v1/types.js';
import { kindObject } from '../../core/v1/common.js';
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';

const AUTHN = 'io.k8s.api.authentication.v1';
export const GROUP = 'authentication.k8s.io';

export const UserInfoSchema = object(`${AUTHN}.UserInfo`, {
  username: opt(1, str({ description: 'The name that uniquely identifies this user among all active users.' })),
  uid: opt(2, str({ description: 'A unique value that identifies this user across time.' })),
  groups: opt(3, atomicList(str(), { description: 'The names of groups this user is a part of.' })),
  extra: opt(4, Type.Record(Type.String(), atomicList(str()), { description: 'Any additional information provided by the authenticator.' })),
}, 'UserInfo holds the information about the user needed to implement the user.Info interface.');
export type UserInfo = Static<typeof UserInfoSchema>;

export const TokenReviewSpec = object(`${AUTHN}.TokenReviewSpec`, {
  token: opt(1, str({ description: 'Token is the opaque bearer token.' })),
  audiences: opt(2, atomicList(str(), { description: 'Audiences is a list of the identifiers that the resource server presented with the token identifies as.' })),
}, 'TokenReviewSpec is a description of the token authentication request.');

export const TokenReviewStatus = object(`${AUTHN}.TokenReviewStatus`, {
  authenticated: opt(1, Type.Boolean({ 'x-pb-type': 'bool', description: 'Authenticated indicates that the token was associated with a known user.' })),
  user: opt(2, use(UserInfoSchema)),
  audiences: opt(4, atomicList(str(), { description: 'Audiences are audience identifiers chosen by the authenticator that are compatible with both the TokenReview and token.' })),
  error: opt(3, str({ description: "Error indicates that the token couldn't be checked" })),
}, 'TokenReviewStatus is the result of the token authentication request.');

export const TokenReviewSchema = kindObject(`${AUTHN}.TokenReview`, { group: GROUP, version: 'v1', kind: 'TokenReview' }, {
  spec: opt(2, use(TokenReviewSpec)),
  status: opt(3, use(TokenReviewStatus)),
}, 'TokenReview attempts to authenticate a token to a known user. Note: TokenReview requests may be cached by the webhook token authenticator plugin in the kube-apiserver.');
export type TokenReview = Static<typeof TokenReviewSchema> & KubeObject;

export const BoundObjectReference = object(`${AUTHN}.BoundObjectReference`, {
  kind: opt(1, str({ description: "Kind of the referent. Valid kinds are 'Pod' and 'Secret'." })),
  apiVersion: opt(2, str({ description: 'API version of the referent.' })),
  name: opt(3, str({ description: 'Name of the referent.' })),
  uid: opt(4, str({ description: 'UID of the referent.' })),
}, 'BoundObjectReference is a reference to an object that a token is bound to.');

export const TokenRequestSpec = object(`${AUTHN}.TokenRequestSpec`, {
  audiences: opt(1, atomicList(str(), { description: 'Audiences are the intendend audiences of the token.' })),
  expirationSeconds: opt(4, int64({ description: 'ExpirationSeconds is the requested duration of validity of the request.' })),
  boundObjectRef: opt(3, use(BoundObjectReference)),
}, 'TokenRequestSpec contains client provided parameters of a token request.');

export const TokenRequestStatus = object(`${AUTHN}.TokenRequestStatus`, {
  token: opt(1, str({ description: 'Token is the opaque bearer token.' })),
  expirationTimestamp: opt(2, time({ description: 'ExpirationTimestamp is the time of expiration of the returned token.' })),
}, 'TokenRequestStatus is the result of a token request.');

export const TokenRequestSchema = kindObject(`${AUTHN}.TokenRequest`, { group: GROUP, version: 'v1', kind: 'TokenRequest' }, {
  spec: opt(2, use(TokenRequestSpec)),
  status: opt(3, use(TokenRequestStatus)),
}, 'TokenRequest requests a token for a given service account.');
export type TokenRequest = Static<typeof TokenRequestSchema> & KubeObject;

/** Kubernetes' default and bounds for TokenRequest.spec.expirationSeconds. */
export const DEFAULT_TOKEN_SECONDS = 3600;
export const MIN_TOKEN_SECONDS = 600;
export const MAX_TOKEN_SECONDS = 2 ** 32;

export function defaultTokenRequest(tr: TokenRequest): void {
  tr.spec ??= {};
  tr.spec.expirationSeconds ??= DEFAULT_TOKEN_SECONDS;
}

/** ValidateTokenRequest. */
export function validateTokenRequest(tr: TokenRequest): FieldError[] {
  const errs: FieldError[] = [];
  const s = tr.spec?.expirationSeconds ?? DEFAULT_TOKEN_SECONDS;
  if (s < MIN_TOKEN_SECONDS) errs.push(fieldErrors.invalid('spec.expirationSeconds', s, 'may not specify a duration less than 10 minutes'));
  if (s > MAX_TOKEN_SECONDS) errs.push(fieldErrors.invalid('spec.expirationSeconds', s, 'may not specify a duration larger than 2^32 seconds'));
  return errs;
}

export const SelfSubjectReviewStatus = object(`${AUTHN}.SelfSubjectReviewStatus`, {
  userInfo: opt(1, use(UserInfoSchema)),
}, 'SelfSubjectReviewStatus is filled by the kube-apiserver and sent back to a user.');

/** SelfSubjectReview in a version (v1; v1beta1 is what kubectl 1.27 asks for). */
export function selfSubjectReviewSchema(version: string) {
  const id = version === 'v1' ? AUTHN : `io.k8s.api.authentication.${version}`;
  return kindObject(`${id}.SelfSubjectReview`, { group: GROUP, version, kind: 'SelfSubjectReview' }, {
    status: opt(2, version === 'v1' ? use(SelfSubjectReviewStatus) : object(`${id}.SelfSubjectReviewStatus`, { userInfo: opt(1, use(UserInfoSchema)) }, 'SelfSubjectReviewStatus is filled by the kube-apiserver and sent back to a user.')),
  }, 'SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request. When using impersonation, users will receive the user info of the user being impersonated.');
}
export const SelfSubjectReviewSchema = selfSubjectReviewSchema('v1');
export type SelfSubjectReview = Static<typeof SelfSubjectReviewSchema> & KubeObject;

// Service account tokens for the API server: issue (TokenRequest), authenticate (bearer JWTs),
// review (TokenReview, SelfSubjectReview) and the ServiceAccount admission plugin.
//
// Wiring (createApiServer options):
//   const tokens = createServiceAccountTokens({ privateKeyPem, publicKeysPem, issuer, audiences, objects: storeObjects(store) });
//   security.authenticator: a union of tokens.authenticator with the others (it returns null for tokens not its own)
//   security.admission: [serviceAccountAdmission(), ...]
//   hooks: { serviceaccounts: serviceAccountHooks(tokens), ...authenticationApiHooks({ tokens }) }
//   resources: [...allResources(), ...authentication.resources]  (src/api/authentication/v1)
export {
  createServiceAccountTokens, serviceAccountUsername, bearerToken, TokenError, DEFAULT_ISSUER, LEEWAY_SECONDS,
  EXTRA_POD_NAME, EXTRA_POD_UID, EXTRA_NODE_NAME, EXTRA_NODE_UID, EXTRA_CREDENTIAL_ID,
  type ServiceAccountTokens, type ServiceAccountTokenOptions, type IssueRequest, type IssuedToken, type ServiceAccountClaims, type TokenAuthResult,
} from './tokens.js';
export { storeObjects, serverObjects, type ObjectReader, type TokenObjectKind } from './objects.js';
export { serviceAccountHooks, handleTokenRequest } from './token-request.js';
export { authenticationApiHooks, tokenReviewHooks, selfSubjectReviewHooks, type AuthenticationApiOptions } from './authentication-api.js';
export {
  serviceAccountAdmission, tokenVolume, DEFAULT_SERVICE_ACCOUNT, TOKEN_VOLUME_PREFIX, TOKEN_MOUNT_PATH, ROOT_CA_CONFIGMAP,
  TOKEN_VOLUME_EXPIRATION_SECONDS, type ServiceAccountAdmissionOptions,
} from './admission.js';
export { generateServiceAccountKey } from './keys.js';

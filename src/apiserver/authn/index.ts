// Who is asking: client certificates, the static token file, bootstrap tokens, and the union that
// puts them (and the service account token authenticator) together. See server-security.ts in
// src/cmd for how `k8ts server` wires them.
export type { TokenAuthenticator } from './types.js';
export { bearerToken, bearerTokenAuthenticator } from './bearer.js';
export { unionAuthenticator } from './union.js';
export { parseCsv, parseTokenFile, tokenFileAuthenticator, loadTokenFile } from './token-file.js';
export {
  bootstrapTokenAuthenticator, bootstrapGroups, BOOTSTRAP_TOKEN_SECRET_TYPE, BOOTSTRAP_TOKEN_SECRET_PREFIX, BOOTSTRAP_USER_PREFIX,
  BOOTSTRAPPERS_GROUP, type BootstrapTokenOptions, type SecretLookup,
} from './bootstrap-token.js';
export { x509Authenticator, verifyClientChain, parseCaBundle, peerChain, type X509AuthenticatorOptions } from './x509.js';

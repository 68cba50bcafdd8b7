// Authenticators of bearer tokens, apart from the request: the static token file, bootstrap
// tokens (and anything else that maps a token to a user). bearerTokenAuthenticator() turns a list
// of them into a request Authenticator.
import type { UserInfo } from '../auth/types.js';

export interface TokenAuthenticator {
  /**
   * The user a token proves, or null when the token is not one this authenticator knows (or it
   * knows it and it is no longer good: expired, revoked). Kubernetes answers both with the same
   * 401, so the distinction never reaches the client.
   */
  authenticateToken(token: string): Promise<UserInfo | null> | UserInfo | null;
}

// TEST HELPER, not a real authenticator: maps fixed bearer tokens to users so integration tests can
// speak as several identities. A token not in the table is a bad credential (401); none is null.
import { ApiError } from '../../src/machinery/errors.js';
import type { Authenticator, UserInfo } from '../../src/apiserver/auth/types.js';

export function testTokenAuthenticator(tokens: Record<string, UserInfo>): Authenticator {
  return {
    authenticate(req) {
      const h = req.headers.authorization;
      if (!h) return null;
      const user = tokens[h.replace(/^Bearer\s+/i, '')];
      if (!user) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      return user;
    },
  };
}

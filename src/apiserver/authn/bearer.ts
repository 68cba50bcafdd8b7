// Bearer tokens (Authorization: Bearer <token>), as Kubernetes' bearertoken authenticator reads
// them: a request without one is not this authenticator's; a token that no token authenticator
// recognizes is a 401, never anonymous.
import type { IncomingMessage } from 'node:http';
import type { Authenticator, UserInfo } from '../auth/types.js';
import { unauthorized } from '../auth/pipeline.js';
import type { TokenAuthenticator } from './types.js';

/** The token of `Authorization: Bearer <token>` (scheme case-insensitive), or null. */
export function bearerToken(req: Pick<IncomingMessage, 'headers'>): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^bearer\s+(\S+)\s*$/i.exec(h.trim());
  return m ? m[1]! : null;
}

/** A request authenticator over token authenticators: the first that knows the token wins. */
export function bearerTokenAuthenticator(tokens: TokenAuthenticator[]): Authenticator {
  return {
    async authenticate(req): Promise<UserInfo | null> {
      const token = bearerToken(req);
      if (token === null) return null;
      for (const t of tokens) {
        const user = await t.authenticateToken(token);
        if (user) return user;
      }
      throw unauthorized();
    },
  };
}

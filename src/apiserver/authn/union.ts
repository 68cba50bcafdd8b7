// Kubernetes' union authenticator: every authenticator is asked; the first that proves a user
// wins, whatever the others said. When none does, a refusal (bad client certificate, unknown
// token) is the answer (401); only when no authenticator saw credentials at all is the request
// anonymous (null), which the pipeline then allows or refuses.
import type { Authenticator, UserInfo } from '../auth/types.js';

export function unionAuthenticator(...authenticators: (Authenticator | null | undefined)[]): Authenticator {
  const list = authenticators.filter((a): a is Authenticator => !!a);
  return {
    async authenticate(req): Promise<UserInfo | null> {
      let refusal: unknown = null;
      for (const a of list) {
        try {
          const user = await a.authenticate(req);
          if (user) return user;
        } catch (err) {
          refusal ??= err;
        }
      }
      if (refusal) throw refusal;
      return null;
    },
  };
}

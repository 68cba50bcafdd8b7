// An API server for service account token tests: the real resources plus authentication.k8s.io,
// a static admin token and service account tokens as its users, the ServiceAccount admission plugin.
import { startHarness, type Harness } from './harness.js';
import { allResources } from '../../src/api/registry.js';
import { resources as authenticationResources } from '../../src/api/authentication/v1/index.js';
import type { ResourceDef } from '../../src/api/resource.js';
import {
  createServiceAccountTokens, storeObjects, serviceAccountHooks, authenticationApiHooks, serviceAccountAdmission, generateServiceAccountKey,
  DEFAULT_ISSUER, type ServiceAccountTokens,
} from '../../src/apiserver/serviceaccount/index.js';
import { bearerTokenAuthenticator, tokenFileAuthenticator } from '../../src/apiserver/authn/index.js';

export const ADMIN_TOKEN = 'test-admin-token';

/** Every real resource plus authentication.k8s.io, each once (in case the registry lists them too). */
export function resourcesWithAuthentication(): ResourceDef[] {
  const seen = new Set<string>();
  return [...allResources(), ...authenticationResources].filter((d) => {
    const k = `${d.group}/${d.version}/${d.plural}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** An API server whose users are a static admin token and service account tokens. */
export async function startTokenServer(opts: { tls?: { cert: string; key: string } } = {}): Promise<{ h: Harness; tokens: ServiceAccountTokens }> {
  let h: Harness | undefined;
  const tokens = createServiceAccountTokens({
    privateKeyPem: generateServiceAccountKey().privateKeyPem,
    audiences: [DEFAULT_ISSUER, 'k8ts'],
    objects: { get: (kind, ns, name) => storeObjects(h!.store).get(kind, ns, name) },
  });
  h = await startHarness({
    tls: opts.tls,
    resources: resourcesWithAuthentication(),
    hooks: { serviceaccounts: serviceAccountHooks(tokens), ...authenticationApiHooks({ tokens }) },
    security: {
      authenticator: bearerTokenAuthenticator([
        tokenFileAuthenticator(new Map([[ADMIN_TOKEN, { username: 'test-admin', uid: 'admin-uid', groups: ['system:masters'] }]])),
        tokens.tokenAuthenticator,
      ]),
      admission: [serviceAccountAdmission({ defaultAttempts: 2, retryIntervalMs: 10 })],
    },
  });
  return { h, tokens };
}

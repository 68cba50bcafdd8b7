// Bootstrap tokens (kubeadm join, TLS bootstrap): `<id>.<secret>` proves the user
// system:bootstrap:<id> in system:bootstrappers (plus the Secret's auth-extra-groups) while the
// Secret kube-system/bootstrap-token-<id> of type bootstrap.kubernetes.io/token holds that secret,
// is not being deleted, has not expired and is marked usage-bootstrap-authentication=true.
// The Secret is read through the API server's own watch cache, never over the network.
import { timingSafeEqual } from 'node:crypto';
import type { KubeObject } from '../../api/resource.js';
import type { UserInfo } from '../auth/types.js';
import { realClock, type Clock } from '../../machinery/clock.js';
import type { TokenAuthenticator } from './types.js';

export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_TOKEN_SECRET_PREFIX = 'bootstrap-token-';
export const BOOTSTRAP_USER_PREFIX = 'system:bootstrap:';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
const TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const EXTRA_GROUP_RE = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;

/** A Secret in kube-system by name, as the server currently holds it (undefined when absent). */
export type SecretLookup = (name: string) => KubeObject | undefined;

export interface BootstrapTokenOptions {
  secrets: SecretLookup;
  clock?: Clock;
  /** Why a token that matched a Secret was refused (Kubernetes logs these at V(3)). */
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

function dataValue(secret: KubeObject, key: string): string | undefined {
  const v = (secret as { data?: Record<string, string> }).data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** system:bootstrappers plus the valid auth-extra-groups, or an error text. */
export function bootstrapGroups(secret: KubeObject): string[] | string {
  const groups = [BOOTSTRAPPERS_GROUP];
  const extra = dataValue(secret, 'auth-extra-groups');
  if (!extra) return groups;
  for (const g of extra.split(',').map((s) => s.trim())) {
    if (!EXTRA_GROUP_RE.test(g)) return `group name "${g}" must match ${EXTRA_GROUP_RE.source}`;
    if (!groups.includes(g)) groups.push(g);
  }
  return groups;
}

export function bootstrapTokenAuthenticator(o: BootstrapTokenOptions): TokenAuthenticator {
  const clock = o.clock ?? realClock;
  const refuse = (secret: KubeObject, why: string): null => {
    o.log?.('bootstrap token refused', { secret: `kube-system/${secret.metadata.name}`, reason: why });
    return null;
  };
  return {
    authenticateToken(token: string): UserInfo | null {
      const m = TOKEN_RE.exec(token);
      if (!m) return null;
      const [, id, secretPart] = m as unknown as [string, string, string];
      const secret = o.secrets(BOOTSTRAP_TOKEN_SECRET_PREFIX + id);
      if (!secret) return null;
      if (secret.metadata.deletionTimestamp) return refuse(secret, 'is deleted and awaiting removal');
      if ((secret as { type?: string }).type !== BOOTSTRAP_TOKEN_SECRET_TYPE) return refuse(secret, `has invalid type, expected ${BOOTSTRAP_TOKEN_SECRET_TYPE}`);
      if (!sameSecret(dataValue(secret, 'token-secret') ?? '', secretPart)) return refuse(secret, 'has invalid value for key token-secret');
      if (dataValue(secret, 'token-id') !== id) return refuse(secret, 'has invalid value for key token-id');
      const expiration = dataValue(secret, 'expiration');
      if (expiration !== undefined) {
        const at = Date.parse(expiration);
        // An unreadable expiration counts as expired, as upstream's HasExpired does.
        if (Number.isNaN(at) || clock.now() > at) return refuse(secret, `has expired (${expiration})`);
      }
      if (dataValue(secret, 'usage-bootstrap-authentication') !== 'true') return refuse(secret, 'not marked usage-bootstrap-authentication=true');
      const groups = bootstrapGroups(secret);
      if (typeof groups === 'string') return refuse(secret, `has invalid value for key auth-extra-groups: ${groups}`);
      return { username: BOOTSTRAP_USER_PREFIX + id, groups };
    },
  };
}

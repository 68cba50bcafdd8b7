// Projected serviceAccountToken sources: the kubelet asks the API server for a token of the pod's
// ServiceAccount bound to the pod (TokenRequest), writes it into the volume, and asks again once
// 80 % of its lifetime has passed (or a day, whichever is sooner), as the kubelet's token manager
// does. Pods are synced every few seconds, so the next sync after that point writes the new token.
import type { Pod } from '../../api/core/v1/pod.js';
import type { RestClient } from '../../client/rest.js';
import { resourceRef } from '../../client/rest.js';
import { realClock, type Clock } from '../../machinery/clock.js';

export interface TokenRequestSpec {
  audiences?: string[];
  expirationSeconds: number;
  boundObjectRef: { apiVersion: 'v1'; kind: 'Pod'; name: string; uid: string };
}

export interface TokenSource {
  /** POST serviceaccounts/{name}/token; resolves to the issued token and when it expires (RFC 3339). */
  request(namespace: string, serviceAccount: string, spec: TokenRequestSpec): Promise<{ token: string; expirationTimestamp: string }>;
}

const SERVICEACCOUNTS = resourceRef('', 'v1', 'serviceaccounts');

/** The TokenRequest API through the kubelet's client. */
export function tokenRequestSource(client: RestClient): TokenSource {
  return {
    async request(namespace, serviceAccount, spec) {
      const out = await client.request<{ status?: { token?: string; expirationTimestamp?: string } }>('POST', `${client.path(SERVICEACCOUNTS, namespace, serviceAccount)}/token`, {
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec },
      });
      if (!out?.status?.token || !out.status.expirationTimestamp) throw new Error(`the TokenRequest for ${namespace}/${serviceAccount} returned no token`);
      return { token: out.status.token, expirationTimestamp: out.status.expirationTimestamp };
    },
  };
}

interface Cached {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

const MAX_TTL_MS = 24 * 3600_000;

export class ServiceAccountTokenManager {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly source: TokenSource, private readonly clock: Clock = realClock) {}

  /** The token for one projection of the pod, from the cache unless it is due for refresh. */
  async token(pod: Pod, projection: { audience?: string; expirationSeconds?: number }): Promise<string> {
    const uid = pod.metadata.uid ?? '';
    const ns = pod.metadata.namespace ?? 'default';
    const sa = pod.spec?.serviceAccountName || 'default';
    const seconds = projection.expirationSeconds ?? 3600;
    const key = `${uid}/${sa}/${projection.audience ?? ''}/${seconds}`;
    const now = this.clock.now();
    const hit = this.cache.get(key);
    if (hit && !this.due(hit, now)) return hit.token;
    const spec: TokenRequestSpec = {
      expirationSeconds: seconds,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name ?? '', uid },
    };
    if (projection.audience) spec.audiences = [projection.audience];
    try {
      const got = await this.source.request(ns, sa, spec);
      const expiresAt = Date.parse(got.expirationTimestamp);
      this.cache.set(key, { token: got.token, issuedAt: now, expiresAt: Number.isNaN(expiresAt) ? now + seconds * 1000 : expiresAt });
      return got.token;
    } catch (err) {
      // A token that is still good is better than none while the API server is unreachable.
      if (hit && now < hit.expiresAt) return hit.token;
      throw new Error(`failed to fetch token: ${(err as Error).message}`);
    }
  }

  private due(c: Cached, now: number): boolean {
    const ttl = c.expiresAt - c.issuedAt;
    return now >= c.expiresAt - ttl * 0.2 || now - c.issuedAt >= MAX_TTL_MS;
  }

  /** When the earliest of the pod's tokens is due for refresh (ms since the epoch), if it has any. */
  nextRefresh(uid: string): number | undefined {
    let next: number | undefined;
    for (const [k, c] of this.cache) {
      if (!k.startsWith(`${uid}/`)) continue;
      const at = Math.min(c.expiresAt - (c.expiresAt - c.issuedAt) * 0.2, c.issuedAt + MAX_TTL_MS);
      next = next === undefined ? at : Math.min(next, at);
    }
    return next;
  }

  /** Drops the pod's tokens (on teardown). */
  forget(uid: string): void {
    for (const k of [...this.cache.keys()]) if (k.startsWith(`${uid}/`)) this.cache.delete(k);
  }
}

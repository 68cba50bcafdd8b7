// The join token agents present (`k8ts agent --token`): a Kubernetes bootstrap token
// (`<6 chars>.<16 chars>`), kept in the data dir so it survives restarts, and published as the
// `bootstrap-token-<id>` Secret in kube-system (with its expiry), which is what the API server checks.
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RestClient } from '../client/rest.js';
import { resourceRef } from '../client/rest.js';
import { isAlreadyExists } from '../client/errors.js';

const SECRETS = resourceRef('', 'v1', 'secrets', true);
const CLUSTERROLEBINDINGS = resourceRef('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', false);
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** The group bootstrap tokens for joining nodes carry (as kubeadm's default node token does). */
export const JOIN_GROUP = 'system:bootstrappers:k8ts:default-node-token';

function randomString(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export function isBootstrapToken(t: string): boolean {
  return /^[a-z0-9]{6}\.[a-z0-9]{16}$/.test(t);
}

/** Reads the token from dataDir, or makes one (mode 0600). */
export function loadOrCreateJoinToken(dataDir: string): string {
  const path = join(dataDir, 'join-token');
  if (existsSync(path)) {
    const t = readFileSync(path, 'utf8').trim();
    if (isBootstrapToken(t)) return t;
  }
  const t = `${randomString(6)}.${randomString(16)}`;
  writeFileSync(path, `${t}\n`, { mode: 0o600 });
  return t;
}

/** The Secret that makes the token valid until now + ttl (no ttl: until it is deleted). */
export function joinTokenSecret(token: string, ttlMs?: number, now = Date.now()): Record<string, unknown> {
  const [id, secret] = token.split('.') as [string, string];
  const data: Record<string, string> = {
    'token-id': id, 'token-secret': secret, 'usage-bootstrap-authentication': 'true', 'usage-bootstrap-signing': 'true',
    'auth-extra-groups': JOIN_GROUP, description: 'k8ts agent join token',
  };
  if (ttlMs !== undefined) data.expiration = new Date(now + ttlMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'bootstrap.kubernetes.io/token',
    metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
    stringData: data,
  };
}

/**
 * What joining needs from RBAC (kubeadm's bindings): the token's group may file and read CSRs and
 * have node client certificates auto-approved; nodes may renew their own; nodes run the service
 * proxy with their own identity.
 */
export function joinBindings(): Record<string, unknown>[] {
  const group = (name: string) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });
  const binding = (name: string, role: string, subject: string) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [group(subject)],
  });
  return [
    binding('k8ts:node-bootstrapper', 'system:node-bootstrapper', JOIN_GROUP),
    binding('k8ts:node-autoapprove-bootstrap', 'system:certificates.k8s.io:certificatesigningrequests:nodeclient', JOIN_GROUP),
    binding('k8ts:node-autoapprove-certificate-rotation', 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', 'system:nodes'),
    binding('k8ts:node-proxier', 'system:node-proxier', 'system:nodes'),
  ];
}

export async function publishJoinToken(client: RestClient, token: string, opts: { rbac?: boolean; ttlMs?: number } = {}): Promise<void> {
  // The Secret carries the expiry; each start moves it to ttl from now (replacing the old one).
  const secret = joinTokenSecret(token, opts.ttlMs);
  const name = (secret.metadata as { name: string }).name;
  await client.delete(SECRETS, name, { namespace: 'kube-system' }).catch(() => undefined);
  const objs: [typeof SECRETS, Record<string, unknown>][] = [[SECRETS, secret]];
  if (opts.rbac) for (const b of joinBindings()) objs.push([CLUSTERROLEBINDINGS, b]);
  for (const [res, obj] of objs) {
    try {
      await client.create(res, obj as never);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
}

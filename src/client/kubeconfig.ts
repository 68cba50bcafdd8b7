// kubeconfig files as kubectl reads them: the current context names a cluster (server, CA) and a
// user (bearer token or client certificate). Only what a component needs to reach its API server.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

export interface KubeconfigCredentials {
  server: string;
  token?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  insecureSkipTLSVerify?: boolean;
  /** The context's namespace ("default" when unset). */
  namespace: string;
}

interface Named<T> { name: string; [k: string]: unknown; cluster?: T; user?: T; context?: T }

/** Reads a kubeconfig file; relative file references resolve against the file's folder, as kubectl does. */
export function loadKubeconfig(path: string, contextName?: string): KubeconfigCredentials {
  return parseKubeconfig(readFileSync(path, 'utf8'), dirname(path), contextName);
}

export function parseKubeconfig(text: string, baseDir: string, contextName?: string): KubeconfigCredentials {
  const doc = (parse(text) ?? {}) as Record<string, unknown>;
  const current = contextName ?? (doc['current-context'] as string | undefined);
  if (!current) throw new Error('kubeconfig: no current-context is set');
  const ctx = find<{ cluster?: string; user?: string; namespace?: string }>(doc.contexts, current, 'context');
  if (!ctx) throw new Error(`kubeconfig: context "${current}" not found`);
  const cluster = ctx.cluster ? find<Record<string, unknown>>(doc.clusters, ctx.cluster, 'cluster') : undefined;
  if (!cluster || typeof cluster.server !== 'string') throw new Error(`kubeconfig: cluster "${ctx.cluster ?? ''}" has no server`);
  const user = ctx.user ? find<Record<string, unknown>>(doc.users, ctx.user, 'user') ?? {} : {};
  const file = (p: unknown) => (typeof p === 'string' && p ? readFileSync(isAbsolute(p) ? p : resolve(baseDir, p)) : undefined);
  const data = (d: unknown) => (typeof d === 'string' && d ? Buffer.from(d, 'base64') : undefined);
  let token = typeof user.token === 'string' && user.token ? user.token : undefined;
  if (!token && typeof user.tokenFile === 'string') token = file(user.tokenFile)?.toString('utf8').trim();
  return {
    server: cluster.server.replace(/\/+$/, ''),
    token,
    ca: data(cluster['certificate-authority-data']) ?? file(cluster['certificate-authority']),
    cert: data(user['client-certificate-data']) ?? file(user['client-certificate']),
    key: data(user['client-key-data']) ?? file(user['client-key']),
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
    namespace: ctx.namespace || 'default',
  };
}

function find<T>(list: unknown, name: string, field: 'cluster' | 'user' | 'context'): T | undefined {
  if (!Array.isArray(list)) return undefined;
  const entry = (list as Named<T>[]).find((e) => e && e.name === name);
  return entry?.[field];
}

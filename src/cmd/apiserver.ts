// `k8ts apiserver`: the Kubernetes API over the store (SQLite by default, or etcd), plain HTTP,
// with an admin kubeconfig written for kubectl; or HTTPS with kube-apiserver's authentication and
// authorization flags (apiserverSecurity in server-security.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Store } from '../storage/types.js';
import { createApiServer, type ApiServerOptions } from '../apiserver/server.js';
import { flagArgs } from './flags.js';
import { apiserverSecurity, type ApiserverSecurityFlags } from './server-security.js';

export interface ApiserverFlags extends ApiserverSecurityFlags {
  store: string;
  bindAddress: string;
  port: number;
  dataDir: string;
}

const USAGE = `usage: k8ts apiserver [flags]

flags:
  --store sqlite:/path/db | etcd:http://127.0.0.1:2379,...   (default sqlite:/var/lib/k8ts/server/store.db)
  --bind-address ADDR   (default 127.0.0.1)
  --port N              (default 6443; plain HTTP)
  --data-dir DIR        (default /var/lib/k8ts/server; admin.kubeconfig is written here)
  --tls-cert-file FILE, --tls-private-key-file FILE   serve HTTPS with this certificate and key
  --client-ca-file FILE        authenticate client certificates signed by these CAs (CN = user, O = groups)
  --token-auth-file FILE       static bearer tokens: CSV lines token,user,uid,"group1,group2"
  --enable-bootstrap-token-auth   bootstrap tokens (kube-system Secrets bootstrap-token-<id>)
  --authorization-mode MODES   AlwaysAllow (default) or a list of Node, RBAC
  --anonymous-auth BOOL        (default true; off with AlwaysAllow) requests without credentials are system:anonymous
`;

export function parseFlags(args: string[]): ApiserverFlags {
  const f: ApiserverFlags = { store: '', bindAddress: '127.0.0.1', port: 6443, dataDir: '/var/lib/k8ts/server' };
  for (const { name: a, inline: v, value: val } of flagArgs(args)) {
    switch (a) {
      case '--store': f.store = val(); break;
      case '--bind-address': f.bindAddress = val(); break;
      case '--port': {
        const n = Number(val());
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be a port number`);
        f.port = n;
        break;
      }
      case '--data-dir': f.dataDir = val(); break;
      case '--tls-cert-file': f.tlsCertFile = val(); break;
      case '--tls-private-key-file': f.tlsPrivateKeyFile = val(); break;
      case '--client-ca-file': f.clientCAFile = val(); break;
      case '--token-auth-file': f.tokenAuthFile = val(); break;
      case '--enable-bootstrap-token-auth': f.bootstrapTokenAuth = v === undefined || v === 'true'; break;
      case '--authorization-mode': f.authorizationMode = val().split(',').map((m) => m.trim()).filter(Boolean); break;
      case '--anonymous-auth': f.anonymousAuth = v !== 'false'; break;
      case '-h': case '--help': process.stdout.write(USAGE); process.exit(0); break;
      default: throw new Error(`unknown flag ${a}\n${USAGE}`);
    }
  }
  if (!f.store) f.store = `sqlite:${join(f.dataDir, 'store.db')}`;
  return f;
}

export async function openStore(spec: string): Promise<Store> {
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    mkdirSync(dirname(path), { recursive: true });
    const { openSqliteStore } = await import('../storage/sqlite/index.js');
    return openSqliteStore({ path });
  }
  if (spec.startsWith('etcd:')) {
    const endpoints = spec.slice('etcd:'.length).split(',').filter(Boolean);
    const { openEtcdStore } = await import('../storage/etcd/index.js');
    return openEtcdStore({ endpoints });
  }
  throw new Error(`--store must be sqlite:/path or etcd:http://host:port,..., got "${spec}"`);
}

export function kubeconfig(server: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: k8ts
  cluster:
    server: ${server}
users:
- name: admin
  user: {}
contexts:
- name: k8ts
  context:
    cluster: k8ts
    user: admin
    namespace: default
current-context: k8ts
`;
}

async function loadHooks(): Promise<ApiServerOptions['hooks']> {
  // Service ClusterIP/NodePort allocation lives with the service registry when it is built in.
  try {
    const path = '../apiserver/registry/service-hooks.js';
    const mod = (await import(path)) as { serviceHooks?: unknown };
    if (mod.serviceHooks && typeof mod.serviceHooks === 'object') return { services: mod.serviceHooks as never };
  } catch {
    // not built yet
  }
  return undefined;
}

export async function main(args: string[]): Promise<void> {
  const flags = parseFlags(args);
  mkdirSync(flags.dataDir, { recursive: true });
  const store = await openStore(flags.store);
  const sec = apiserverSecurity(flags);
  const server = createApiServer({ store, hooks: await loadHooks(), ...sec?.apiOptions });
  sec?.attach(server);
  let port: number;
  try {
    port = await server.listen(flags.port, flags.bindAddress);
  } catch (err) {
    await server.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
  const host = flags.bindAddress === '0.0.0.0' || flags.bindAddress === '::' ? '127.0.0.1' : flags.bindAddress;
  const url = `${sec?.apiOptions.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const kc = join(flags.dataDir, 'admin.kubeconfig');
  writeFileSync(kc, kubeconfig(url), { mode: 0o600 });
  process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), component: 'apiserver', msg: 'serving', url, store: flags.store, kubeconfig: kc })}\n`);
  process.stdout.write(`k8ts apiserver listening on ${url}\nkubeconfig: ${kc}  (export KUBECONFIG=${kc})\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), component: 'apiserver', msg: 'shutting down', signal: sig })}\n`);
      void (async () => {
        await server.close().catch(() => undefined);
        await store.close().catch(() => undefined);
        resolve();
      })();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

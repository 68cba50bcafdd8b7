// Security of `k8ts server`, on by default as in every Kubernetes distribution: a cluster CA kept in
// <data-dir>/server/tls, the API server on HTTPS with a serving certificate for every name and
// address it answers to, one client certificate per component (the identities RBAC's bootstrap
// policy and the Node authorizer expect), and the API server's authentication (client
// certificates, bootstrap tokens, service account tokens, optionally a static token file),
// authorization (Node, then RBAC), and admission chain. Plain HTTP only when asked for, and only
// on loopback (--insecure: tests and benchmarks).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { isIPv4 } from 'node:net';
import type { ApiServer, ApiServerOptions } from '../apiserver/server.js';
import type { SecurityOptions } from '../apiserver/auth/types.js';
import type { ServerContext } from '../apiserver/context.js';
import type { ResourceHooks } from '../apiserver/hooks.js';
import type { ResourceDef, KubeObject } from '../api/resource.js';
import { allResources } from '../api/registry.js';
import { resources as authenticationResources } from '../api/authentication/v1/index.js';
import { ensureCa, ensureCert, type StoredPair, type LeafSpec } from '../pki/index.js';
import {
  unionAuthenticator, x509Authenticator, bearerTokenAuthenticator, bootstrapTokenAuthenticator, loadTokenFile, type TokenAuthenticator,
} from '../apiserver/authn/index.js';
import { createAuthorization, impersonatingAuthenticator } from '../apiserver/authz/index.js';
import {
  createServiceAccountTokens, serviceAccountAdmission, serviceAccountHooks, authenticationApiHooks, generateServiceAccountKey,
} from '../apiserver/serviceaccount/index.js';
import { defaultAdmission } from '../apiserver/admission/index.js';
import { objectKey } from '../apiserver/storage/keys.js';

/** A component's identity: its client certificate (CN = user, O = groups). */
export interface Identity {
  cn: string;
  orgs?: string[];
}

/** Kubernetes' component identities (kubeadm's certificate list; RBAC's bootstrap bindings name them). */
export function componentIdentities(nodeName: string): Record<string, Identity> {
  return {
    // kubeadm's super-admin.conf: system:masters, bound to cluster-admin, needs no RBAC object.
    admin: { cn: 'kubernetes-admin', orgs: ['system:masters'] },
    'controller-manager': { cn: 'system:kube-controller-manager' },
    scheduler: { cn: 'system:kube-scheduler' },
    kubelet: { cn: `system:node:${nodeName}`, orgs: ['system:nodes'] },
    proxy: { cn: 'system:kube-proxy' },
    // Cluster DNS reads Services and EndpointSlices as the kube-dns service account (system:kube-dns).
    dns: { cn: 'system:serviceaccount:kube-system:kube-dns' },
    // The API server's client certificate towards kubelets (kubeadm: apiserver-kubelet-client).
    'apiserver-kubelet-client': { cn: 'kube-apiserver-kubelet-client', orgs: ['system:masters'] },
  };
}

/** Which identity each in-process component's client uses; others use the admin identity. */
const CLIENT_IDENTITY: Record<string, string> = {
  'controller-manager': 'controller-manager', scheduler: 'scheduler', kubelet: 'kubelet', proxy: 'proxy', dns: 'dns',
  // The pod network agent reads Nodes and writes its own: the kubelet's identity covers both.
  'node-network': 'kubelet',
};

/** The first address of an IPv4 CIDR (the `kubernetes` Service's ClusterIP). */
export function firstServiceIP(cidr: string): string | null {
  const [net] = cidr.split('/');
  if (!net || !isIPv4(net)) return null;
  const n = net.split('.').reduce((a, o) => a * 256 + Number(o), 0) + 1;
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Every name and address the API server answers to (its serving certificate's SANs). */
export function apiServerNames(o: { bindAddress: string; serviceCIDR: string; clusterDomain?: string; extraSANs?: string[] }): { dnsNames: string[]; ips: string[] } {
  const ips = new Set<string>(['127.0.0.1', '::1']);
  for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) if (!a.address.startsWith('fe80:')) ips.add(a.address);
  if (o.bindAddress !== '0.0.0.0' && o.bindAddress !== '::') ips.add(o.bindAddress);
  const svc = firstServiceIP(o.serviceCIDR);
  if (svc) ips.add(svc);
  const domain = o.clusterDomain ?? 'cluster.local';
  const dnsNames = new Set(['localhost', hostname().toLowerCase(), 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${domain}`]);
  for (const s of o.extraSANs ?? []) (/^[\d.]+$|:/.test(s) ? ips : dnsNames).add(s);
  return { dnsNames: [...dnsNames], ips: [...ips] };
}

export interface ServerSecurityOptions {
  dataDir: string;
  nodeName: string;
  bindAddress: string;
  serviceCIDR: string;
  clusterDomain?: string;
  /** kube-apiserver's --token-auth-file. */
  tokenAuthFile?: string;
  /** More names or addresses for the serving certificate (--tls-san). */
  extraSANs?: string[];
}

export interface ServerSecurity {
  pkiDir: string;
  ca: StoredPair;
  /** ApiServerOptions for HTTPS, authentication, authorization and admission. */
  apiOptions: Pick<ApiServerOptions, 'tls' | 'security' | 'hooks' | 'resources'>;
  /**
   * ApiServerOptions.kubeletClient (HTTPS to kubelets as kube-apiserver-kubelet-client): to be
   * given once the kubelet serves HTTPS (kubeletServing), since it applies to every kubelet.
   */
  kubeletClient: NonNullable<ApiServerOptions['kubeletClient']>;
  /** Call with the created server: authenticators and authorizers read its watch cache. */
  attach(api: ApiServer): void;
  /** TLS credentials for a component's RestClient (by its client name: controller-manager, kubelet...). */
  credentials(component: string): { ca: Buffer; cert: Buffer; key: Buffer };
  /** The kubelet's serving certificate (its HTTPS logs/exec server) and the CA its clients must show. */
  kubeletServing: { cert: Buffer; key: Buffer; clientCA: Buffer };
  /** A kubeconfig for the admin identity with the certificates inline. */
  adminKubeconfig(server: string): string;
  close(): void;
}

/** Where a server keeps its CA, certificates and service account key. */
export function serverPkiDir(dataDir: string): string {
  return join(dataDir, 'server', 'tls');
}

/** Loads or creates the CA, every certificate and the service account key; builds the security options. */
export async function prepareServerSecurity(o: ServerSecurityOptions): Promise<ServerSecurity> {
  const pkiDir = serverPkiDir(o.dataDir);
  const ca = await ensureCa(pkiDir);
  const ids = componentIdentities(o.nodeName);
  const pairs = new Map<string, StoredPair>();
  const leaf = async (name: string, spec: LeafSpec) => { pairs.set(name, await ensureCert(pkiDir, name, ca, spec)); };
  // Independent certificates, made side by side (key generation and signing run on the thread pool).
  await Promise.all([
    leaf('apiserver', { kind: 'serving', cn: 'kube-apiserver', ...apiServerNames(o) }),
    leaf('kubelet-serving', { kind: 'serving', cn: o.nodeName, dnsNames: [o.nodeName, 'localhost'], ips: apiServerNames(o).ips }),
    ...Object.entries(ids).map(([name, id]) => leaf(`client-${name}`, { kind: 'client', ...id })),
  ]);

  const sa = serviceAccountKey(pkiDir);
  const tokens = createServiceAccountTokens({ privateKeyPem: sa.privateKeyPem, publicKeysPem: sa.publicKeyPem });
  let ctx: ServerContext | undefined;
  const authz = createAuthorization(() => ctx);
  const secrets = (name: string): KubeObject | undefined => {
    const served = ctx?.byPath.get('/v1/secrets');
    return served?.cache.get(objectKey(served.def, 'kube-system', name))?.obj;
  };
  const tokenAuths: TokenAuthenticator[] = [bootstrapTokenAuthenticator({ secrets })];
  if (o.tokenAuthFile) tokenAuths.unshift(loadTokenFile(o.tokenAuthFile));
  const authenticator = unionAuthenticator(
    x509Authenticator({ clientCA: ca.cert }),
    bearerTokenAuthenticator(tokenAuths),
    tokens.authenticator,
  );
  const nodeRestriction = authz.admission.find((p) => p.name === 'NodeRestriction');
  const security: SecurityOptions = {
    authenticator: impersonatingAuthenticator(authenticator, () => authz.authorizer),
    authorizer: authz.authorizer,
    // Only what RBAC's system:public-info-viewer grants (/healthz, /livez, /readyz, /version) is open to anonymous requests.
    anonymous: true,
    admission: defaultAdmission({
      serviceAccount: serviceAccountAdmission(), nodeRestriction,
      extra: authz.admission.filter((p) => p !== nodeRestriction),
    }),
  };
  const hooks: Record<string, ResourceHooks> = { serviceaccounts: serviceAccountHooks(tokens), ...authenticationApiHooks({ tokens }) };
  const resources: ResourceDef[] = [...allResources(), ...authenticationResources.filter((r) => !allResources().some((a) => a.group === r.group && a.plural === r.plural && a.version === r.version))];
  const pem = (name: string) => pairs.get(name)!;
  const kubeletClient = pem('client-apiserver-kubelet-client');
  return {
    pkiDir,
    ca,
    apiOptions: {
      tls: { cert: pem('apiserver').cert, key: pem('apiserver').key, clientCA: ca.cert },
      security,
      hooks,
      resources,
    },
    kubeletClient: { ca: Buffer.from(ca.cert), cert: Buffer.from(kubeletClient.cert), key: Buffer.from(kubeletClient.key) },
    attach(api: ApiServer) {
      ctx = api.ctx;
      tokens.attach(api.ctx);
    },
    credentials(component: string) {
      const p = pem(`client-${CLIENT_IDENTITY[component] ?? 'admin'}`);
      return { ca: Buffer.from(ca.cert), cert: Buffer.from(p.cert), key: Buffer.from(p.key) };
    },
    kubeletServing: { cert: Buffer.from(pem('kubelet-serving').cert), key: Buffer.from(pem('kubelet-serving').key), clientCA: Buffer.from(ca.cert) },
    adminKubeconfig: (server: string) => certKubeconfig(server, ca.cert, pem('client-admin'), 'kubernetes-admin'),
    close: () => authz.close(),
  };
}

/** The service account signing key (kubeadm's sa.key / sa.pub), made once and kept. */
function serviceAccountKey(dir: string): { privateKeyPem: string; publicKeyPem: string } {
  const keyPath = join(dir, 'sa.key');
  const pubPath = join(dir, 'sa.pub');
  if (existsSync(keyPath) && existsSync(pubPath)) return { privateKeyPem: readFileSync(keyPath, 'utf8'), publicKeyPem: readFileSync(pubPath, 'utf8') };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const k = generateServiceAccountKey();
  writeFileSync(keyPath, k.privateKeyPem, { mode: 0o600 });
  writeFileSync(pubPath, k.publicKeyPem, { mode: 0o644 });
  return k;
}

/** A kubeconfig with certificate-authority-data and client-certificate-data/client-key-data. */
export function certKubeconfig(server: string, caPem: string, client: { cert: string; key: string }, user: string): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: k8ts
  cluster:
    server: ${server}
    certificate-authority-data: ${b64(caPem)}
users:
- name: ${user}
  user:
    client-certificate-data: ${b64(client.cert)}
    client-key-data: ${b64(client.key)}
contexts:
- name: k8ts
  context:
    cluster: k8ts
    user: ${user}
    namespace: default
current-context: k8ts
`;
}

/** kube-apiserver's security flags, as `k8ts apiserver` takes them. */
export interface ApiserverSecurityFlags {
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCAFile?: string;
  tokenAuthFile?: string;
  bootstrapTokenAuth?: boolean;
  /** AlwaysAllow (default), or Node and/or RBAC. */
  authorizationMode?: string[];
  /** Default true, but forced off with AlwaysAllow (as kube-apiserver does). */
  anonymousAuth?: boolean;
}

/** ApiServerOptions from kube-apiserver's flags; null when none is given (plain HTTP, everyone system:admin). */
export function apiserverSecurity(f: ApiserverSecurityFlags): { apiOptions: Pick<ApiServerOptions, 'tls' | 'security'>; attach(api: ApiServer): void } | null {
  if ((f.tlsCertFile === undefined) !== (f.tlsPrivateKeyFile === undefined)) throw new Error('--tls-cert-file and --tls-private-key-file go together');
  const authn = f.clientCAFile || f.tokenAuthFile || f.bootstrapTokenAuth;
  if (!f.tlsCertFile && !authn && !f.authorizationMode) return null;
  if (f.clientCAFile && !f.tlsCertFile) throw new Error('--client-ca-file needs HTTPS: give --tls-cert-file and --tls-private-key-file');
  const clientCA = f.clientCAFile ? readFileSync(f.clientCAFile) : undefined;
  const tls = f.tlsCertFile ? { cert: readFileSync(f.tlsCertFile), key: readFileSync(f.tlsPrivateKeyFile!), clientCA } : undefined;
  let ctx: ServerContext | undefined;
  const modes = f.authorizationMode ?? ['AlwaysAllow'];
  for (const m of modes) if (!['AlwaysAllow', 'Node', 'RBAC'].includes(m)) throw new Error(`--authorization-mode: unknown mode ${m} (AlwaysAllow, Node, RBAC)`);
  const authz = modes.includes('Node') || modes.includes('RBAC') ? createAuthorization(() => ctx) : null;
  const secrets = (name: string): KubeObject | undefined => {
    const served = ctx?.byPath.get('/v1/secrets');
    return served?.cache.get(objectKey(served.def, 'kube-system', name))?.obj;
  };
  const tokens: TokenAuthenticator[] = [];
  if (f.tokenAuthFile) tokens.push(loadTokenFile(f.tokenAuthFile));
  if (f.bootstrapTokenAuth) tokens.push(bootstrapTokenAuthenticator({ secrets }));
  const security: SecurityOptions | undefined = authn || authz ? {
    authenticator: unionAuthenticator(clientCA ? x509Authenticator({ clientCA }) : null, tokens.length ? bearerTokenAuthenticator(tokens) : null),
    ...(authz ? { authorizer: authz.authorizer, admission: authz.admission } : {}),
    anonymous: (f.anonymousAuth ?? true) && !modes.includes('AlwaysAllow'),
  } : undefined;
  return { apiOptions: { tls, security }, attach: (api) => { ctx = api.ctx; } };
}

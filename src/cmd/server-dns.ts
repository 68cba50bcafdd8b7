// Cluster DNS inside `k8ts server`. The DNS server runs in the server process and listens on the
// node's CNI bridge gateway address (the pods' default gateway: every pod reaches it, the LAN
// does not). The server then publishes it the way a cluster publishes CoreDNS: the `kube-dns`
// Service in kube-system at the service CIDR's 10th address, with an EndpointSlice (and Endpoints)
// naming the listener, so the service proxy DNATs <clusterDNS>:53 to it like any other Service.
// It is selectorless: no controller manages its endpoints but this file. Each server adds its own
// endpoint (one slice per node, its address in the Endpoints) and withdraws it when it stops, so
// several servers sharing a datastore all serve DNS.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { KubeObject } from '../api/resource.js';
import { isConflict, isNotFound, resourceRef, type RestClient, type ResourceRef } from '../client/rest.js';
import { startDns, type RunningDns } from '../dns/index.js';

const run = promisify(execFile);

const SERVICES = resourceRef('', 'v1', 'services');
const ENDPOINTS = resourceRef('', 'v1', 'endpoints');
const ENDPOINTSLICES = resourceRef('discovery.k8s.io', 'v1', 'endpointslices');

export const KUBE_DNS = { namespace: 'kube-system', name: 'kube-dns' } as const;

/** This node's EndpointSlice of kube-dns. */
export function kubeDnsSliceName(nodeName: string): string {
  return `kube-dns-${nodeName}`.slice(0, 253).replace(/[.-]+$/, '');
}
/** Ours in the EndpointSlice's managed-by label: the EndpointSlice controller leaves it alone. */
export const MANAGED_BY = 'server.k8ts.io';

type Log = (msg: string, fields?: Record<string, unknown>) => void;

function ipv4Cidr(cidr: string): { base: number; prefix: number } {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const parts = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : NaN;
  if (!m || parts.some((p) => p > 255) || !(prefix >= 0 && prefix <= 30)) throw new Error(`invalid IPv4 CIDR "${cidr}"`);
  const ip = parts.reduce((a, p) => a * 256 + p, 0);
  const size = 2 ** (32 - prefix);
  return { base: ip - (ip % size), prefix };
}

const formatIPv4 = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** The cluster DNS address kubeadm picks: the 10th address of the service CIDR (10.96.0.10). */
export function clusterDnsIP(serviceCIDR: string): string {
  const { base, prefix } = ipv4Cidr(serviceCIDR);
  if (prefix > 28) throw new Error(`service CIDR ${serviceCIDR} is too small for a cluster DNS address (its 10th)`);
  return formatIPv4(base + 10);
}

/** The pods' gateway on the CNI bridge: host-local IPAM's default, the subnet's first address. */
export function podGateway(podCIDR: string): { address: string; prefix: number } {
  const { base, prefix } = ipv4Cidr(podCIDR);
  return { address: formatIPv4(base + 1), prefix };
}

/**
 * The bridge and its gateway address as the CNI bridge plugin would make them, made now so the
 * DNS server can listen before the first pod exists. The plugin accepts both when it comes (an
 * existing bridge, an address it wanted anyway); either side may win the race.
 */
export async function ensureBridgeGateway(bridge: string, podCIDR: string): Promise<string> {
  const gw = podGateway(podCIDR);
  const exists = async () => run('ip', ['link', 'show', 'dev', bridge]).then(() => true, () => false);
  const tolerateExists = (err: unknown) => { if (!/File exists|already assigned/i.test(String((err as { stderr?: string }).stderr ?? err))) throw err; };
  if (!(await exists())) await run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']).catch(tolerateExists);
  await run('ip', ['addr', 'add', `${gw.address}/${gw.prefix}`, 'dev', bridge]).catch(tolerateExists);
  await run('ip', ['link', 'set', 'dev', bridge, 'up']);
  return gw.address;
}

export interface KubeDnsTarget { clusterIP: string; address: string; port: number; nodeName: string }

/** The kube-dns Service (the shape kubeadm's CoreDNS addon installs, less the selector), its Endpoints and its EndpointSlice. */
export function kubeDnsObjects(t: KubeDnsTarget): { service: KubeObject; endpoints: KubeObject; slice: KubeObject } {
  const { namespace, name } = KUBE_DNS;
  const labels = { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'KubeDNS' };
  const ports = [{ name: 'dns', port: t.port, protocol: 'UDP' }, { name: 'dns-tcp', port: t.port, protocol: 'TCP' }];
  return {
    service: {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name, namespace, labels },
      spec: {
        type: 'ClusterIP', clusterIP: t.clusterIP, clusterIPs: [t.clusterIP], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
        ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: t.port }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: t.port }],
        sessionAffinity: 'None', internalTrafficPolicy: 'Cluster',
      },
    },
    endpoints: {
      apiVersion: 'v1', kind: 'Endpoints',
      // The slice below is written here: a mirroring controller must not make a second one.
      metadata: { name, namespace, labels: { ...labels, 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: t.address, nodeName: t.nodeName }], ports }],
    },
    slice: {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { name: kubeDnsSliceName(t.nodeName), namespace, labels: { ...labels, 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': MANAGED_BY } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [t.address], conditions: { ready: true, serving: true, terminating: false }, nodeName: t.nodeName }],
      ports,
    },
  };
}

type Obj = KubeObject & Record<string, unknown>;

/** Creates obj, or rewrites the fields we own on the one there (labels merged, the rest kept). */
async function upsert(client: RestClient, res: ResourceRef, obj: KubeObject, fields: string[]): Promise<Obj> {
  const ns = obj.metadata.namespace;
  let cur: Obj;
  try {
    cur = await client.get<Obj>(res, obj.metadata.name!, { namespace: ns });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return client.create<Obj>(res, obj as Obj, { namespace: ns });
  }
  const next: Obj = { ...cur, metadata: { ...cur.metadata, labels: { ...(cur.metadata.labels ?? {}), ...(obj.metadata.labels ?? {}) } } };
  for (const f of fields) next[f] = (obj as Obj)[f];
  if (JSON.stringify(next) === JSON.stringify(cur)) return cur;
  return client.update<Obj>(res, next, { namespace: ns });
}

/**
 * Writes the Service first (the ClusterIP must be claimed before anything points at it), then the
 * Endpoints and the EndpointSlice. A kube-dns Service left with another ClusterIP (an earlier
 * --cluster-dns) is replaced: a ClusterIP cannot change in place.
 */
export async function ensureKubeDnsService(client: RestClient, t: KubeDnsTarget, log: Log = () => undefined): Promise<void> {
  const objs = kubeDnsObjects(t);
  const { namespace, name } = KUBE_DNS;
  const existing = await client.get<Obj & { spec?: { clusterIP?: string } }>(SERVICES, name, { namespace }).catch((err) => {
    if (isNotFound(err)) return null;
    throw err;
  });
  if (existing && existing.spec?.clusterIP !== t.clusterIP) {
    log('replacing kube-dns service with another cluster IP', { service: `${namespace}/${name}`, from: existing.spec?.clusterIP, to: t.clusterIP });
    await client.delete(SERVICES, name, { namespace });
  }
  try {
    const cur = existing && existing.spec?.clusterIP === t.clusterIP ? existing : null;
    if (cur) {
      const spec = { ...(cur.spec as object), ports: (objs.service.spec as { ports: unknown }).ports };
      await upsert(client, SERVICES, { ...objs.service, spec } as KubeObject, ['spec']);
    } else {
      await client.create(SERVICES, objs.service as Obj, { namespace });
    }
  } catch (err) {
    throw new Error(`cannot create Service ${namespace}/${name} with clusterIP ${t.clusterIP} (choose another with --cluster-dns): ${(err as Error).message}`);
  }
  await updateEndpoints(client, objs.endpoints, t.nodeName, true);
  await upsert(client, ENDPOINTSLICES, objs.slice, ['addressType', 'endpoints', 'ports']);
}

type EndpointsSubset = { addresses?: { ip: string; nodeName?: string }[]; ports?: unknown[] };

/** Puts this node's address into the kube-dns Endpoints (or takes it out), keeping other servers'. */
async function updateEndpoints(client: RestClient, ours: KubeObject, nodeName: string, add: boolean): Promise<void> {
  const { namespace, name } = KUBE_DNS;
  const mine = (ours as unknown as { subsets: EndpointsSubset[] }).subsets[0]!;
  for (let attempt = 0; ; attempt++) {
    const cur = await client.get<Obj & { subsets?: EndpointsSubset[] }>(ENDPOINTS, name, { namespace }).catch((err) => {
      if (isNotFound(err)) return null;
      throw err;
    });
    if (!cur) {
      if (add) await client.create(ENDPOINTS, ours as Obj, { namespace });
      return;
    }
    // Other servers' addresses keep their own ports (a server may have fallen back to another).
    const kept = (cur.subsets ?? []).map((s) => ({ ...s, addresses: (s.addresses ?? []).filter((a) => a.nodeName !== nodeName) }))
      .filter((s) => s.addresses.length);
    const next = {
      ...cur,
      metadata: { ...cur.metadata, labels: { ...(cur.metadata.labels ?? {}), ...(ours.metadata.labels ?? {}) } },
      subsets: add ? [...kept, mine] : kept,
    };
    if (JSON.stringify(next) === JSON.stringify(cur)) return;
    try {
      await client.update<Obj>(ENDPOINTS, next, { namespace });
      return;
    } catch (err) {
      // Another server wrote it meanwhile: read it again.
      if (!isConflict(err) || attempt >= 5) throw err;
    }
  }
}

/** Takes this node's DNS endpoint out of kube-dns (when its server stops). */
export async function withdrawKubeDnsEndpoint(client: RestClient, nodeName: string): Promise<void> {
  await client.delete(ENDPOINTSLICES, kubeDnsSliceName(nodeName), { namespace: KUBE_DNS.namespace }).catch((err) => { if (!isNotFound(err)) throw err; });
  const ours = kubeDnsObjects({ clusterIP: '', address: '', port: 0, nodeName }).endpoints;
  await updateEndpoints(client, ours, nodeName, false);
}

export interface ServerDnsOptions {
  /** Used for the informers (and the kube-dns objects when no publisher is given); closed by stop(). */
  client: RestClient;
  /** Writes the kube-dns Service, Endpoints and EndpointSlice (the DNS itself only reads); closed by stop(). */
  publisher?: RestClient;
  nodeName: string;
  /** The kube-dns ClusterIP (the kubelet's --cluster-dns). */
  clusterIP: string;
  clusterDomain: string;
  /** Listen on this CNI bridge's gateway address (the bridge is made if absent)... */
  bridge?: { name: string; podCIDR: string };
  /** ...or on this address of the host (not loopback: Endpoints may not name it). */
  listenAddress?: string;
  /** Default 53; when taken, a free port (the EndpointSlice names whichever it got). */
  port?: number;
  /** host[:port] for names outside the cluster; default the node's resolv.conf. */
  upstream?: string;
  log?: Log;
}

export interface ServerDns {
  clusterIP: string;
  address: string;
  port: number;
  dns: RunningDns;
  stop(): Promise<void>;
}

export async function startServerDns(o: ServerDnsOptions): Promise<ServerDns> {
  const log = o.log ?? (() => undefined);
  try {
    const address = o.bridge ? await ensureBridgeGateway(o.bridge.name, o.bridge.podCIDR) : (o.listenAddress ?? '127.0.0.1');
    const start = (port: number) => startDns({ client: o.client, listen: { host: address, port }, clusterDomain: o.clusterDomain, upstream: o.upstream, log });
    const want = o.port ?? 53;
    let dns: RunningDns;
    try {
      dns = await start(want);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || want === 0) throw err;
      log('dns port taken; serving on a free port behind the kube-dns service', { address, port: want });
      dns = await start(0);
    }
    try {
      await ensureKubeDnsService(o.publisher ?? o.client, { clusterIP: o.clusterIP, address, port: dns.port, nodeName: o.nodeName }, log);
    } catch (err) {
      await dns.stop();
      throw err;
    }
    log('cluster dns up', { service: `${KUBE_DNS.namespace}/${KUBE_DNS.name}`, clusterIP: o.clusterIP, listen: `${address}:${dns.port}`, domain: o.clusterDomain });
    return {
      clusterIP: o.clusterIP, address, port: dns.port, dns,
      async stop() {
        // Best effort, and quick: a server that cannot reach its API server still stops.
        await Promise.race([
          withdrawKubeDnsEndpoint(o.publisher ?? o.client, o.nodeName).catch((err) => log('dns endpoint not withdrawn', { err: String(err) })),
          new Promise((r) => setTimeout(r, 3000).unref()),
        ]);
        await dns.stop();
        o.client.close();
        o.publisher?.close();
      },
    };
  } catch (err) {
    o.client.close();
    throw err;
  }
}

// `k8ts server`: the whole cluster on this machine in one process, as k3s does — the embedded
// store, the API server, the controller manager, the scheduler, and a kubelet with its own
// containerd. Each component still talks only to the API server (over loopback), exactly as when
// they run as separate commands. SIGINT/SIGTERM stops everything and removes the node's pods, so
// the machine is left clean; `--reset` also deletes all state.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { demoImagesFor } from '../kubelet/runtime/images.js';
import { openSqliteStore } from '../storage/sqlite/index.js';
import { createApiServer } from '../apiserver/server.js';
import { RestClient } from '../client/rest.js';
import { startControllerManager, type ControllerManager } from '../controllers/manager.js';
import { startScheduler, type RunningScheduler } from '../scheduler/index.js';
import { startContainerd, type ContainerdHandle } from '../kubelet/runtime/containerd.js';
import { nodeRuntime, resetNodeState } from '../kubelet/runtime/node-runtime.js';
import { startKubelet, defaultNodeIP } from '../kubelet/index.js';
import { delegatedKubeletAuth } from '../kubelet/auth/delegated.js';
import { fileAuditSink } from '../apiserver/audit/file-sink.js';
import { loadAuditPolicy } from '../apiserver/audit/policy.js';
import { loadEncryptionConfig } from '../apiserver/encryption/config.js';
import { startProxy } from '../proxy/index.js';
import { startNodeNetwork } from '../agent/network/node-network.js';
import { loadOrCreateJoinToken, publishJoinToken } from './server-join.js';
import { clusterDnsIP, startServerDns } from './server-dns.js';
import { kubeconfig, openStore } from './apiserver.js';
import { prepareServerSecurity, serverPkiDir } from './server-security.js';
import { loadOrCreateServerToken, publishClusterSecrets, restoreClusterSecrets } from './server-bootstrap-data.js';
import { parseServerFlags, SERVER_USAGE, type ServerFlags } from './server-flags.js';

type Stoppable = { name: string; stop(): Promise<void> };

function logLine(msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), component: 'server', msg, ...fields })}\n`);
}

/** kubectl's default config is written only when absent or when we wrote it before (marked). */
const KUBECONFIG_MARK = '# written by k8ts server\n';
function writeUserKubeconfig(text: string): string | null {
  const dir = join(homedir(), '.kube');
  const path = join(dir, 'config');
  if (existsSync(path) && !readFileSync(path, 'utf8').startsWith(KUBECONFIG_MARK)) return null;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, KUBECONFIG_MARK + text, { mode: 0o600 });
  return path;
}

/** Removes what a previous run left: its pods (through its containerd), then every file. */
export async function resetState(flags: ServerFlags): Promise<void> {
  await resetNodeState({ dataDir: flags.dataDir, cgroupRoot: flags.cgroupRoot, podCIDR: flags.podCIDR, log: (m, f) => logLine(m, f) });
}

export interface RunningServer {
  url: string;
  kubeconfigPath: string;
  /** Milliseconds from start until the node reported Ready (null without a kubelet). */
  readyAfterMs: number | null;
  /** The token `k8ts agent --token` needs. */
  joinToken: string;
  /** With a shared datastore: the token another `k8ts server --server-token` needs. */
  serverToken: string | null;
  stop(): Promise<void>;
}

/** Starts every component; resolves once the node is Ready (or the control plane is up without a kubelet). */
export async function startServer(flags: ServerFlags): Promise<RunningServer> {
  const t0 = performance.now();
  mkdirSync(flags.dataDir, { recursive: true });
  const started: Stoppable[] = [];
  const stopAll = async () => {
    for (const s of started.reverse()) {
      try { await s.stop(); } catch (err) { logLine('stop failed', { component: s.name, err: String(err) }); }
    }
    started.length = 0;
  };
  try {
    // containerd starts while the control plane comes up: it is the slowest part of a cold start.
    const containerdP: Promise<ContainerdHandle> | null = flags.kubelet
      ? startContainerd({ dir: join(flags.dataDir, 'containerd'), podCIDR: flags.podCIDR, ipMasq: false, imagesOnDisk: flags.imagesOnDisk, log: (m, f) => logLine(m, f) })
      : null;
    containerdP?.catch(() => undefined);
    // The demo images are built (once per busybox, then cached) while containerd and the control plane start.
    const demoImagesP = containerdP ? demoImagesFor(flags.dataDir) : null;
    demoImagesP?.catch(() => undefined);
    const phase = (name: string) => logLine('started', { part: name, afterMs: Math.round(performance.now() - t0) });
    // A start that fails before the kubelet takes containerd over must not leave it running.
    let containerdOwned = false;
    if (containerdP) started.push({ name: 'containerd (unused)', stop: async () => { if (!containerdOwned) await (await containerdP.catch(() => null))?.stop(); } });

    mkdirSync(join(flags.dataDir, 'server'), { recursive: true });
    // One server: the embedded SQLite store. Several (HA): a shared etcd, and elected controller leaders.
    const store = flags.datastoreEndpoint ? await openStore(flags.datastoreEndpoint) : openSqliteStore({ path: join(flags.dataDir, 'server', 'store.db') });
    const leaderElect = flags.leaderElect ?? !!flags.datastoreEndpoint;
    const lease = flags.leaderElectLeaseDurationMs ?? 15_000;
    const election = { leaseDurationMs: lease, renewDeadlineMs: Math.round(lease * 2 / 3), retryPeriodMs: Math.round(lease / 30) };
    started.push({ name: 'store', stop: () => store.close() });
    // HTTPS, certificates and authn/authz/admission (server-security.ts); plain HTTP only with --insecure.
    // Servers sharing a datastore share one CA and service account key (server-bootstrap-data.ts).
    const serverToken = flags.datastoreEndpoint && !flags.insecure ? loadOrCreateServerToken(flags.dataDir, flags.serverToken) : null;
    const pkiDir = serverPkiDir(flags.dataDir);
    if (serverToken) await restoreClusterSecrets(store, pkiDir, serverToken);
    const sec = flags.insecure ? null : await prepareServerSecurity(flags);
    phase('store and certificates');
    if (serverToken) await publishClusterSecrets(store, pkiDir, serverToken);
    const audit = flags.auditLogPath ? fileAuditSink({ path: flags.auditLogPath, policy: flags.auditPolicyFile ? loadAuditPolicy(flags.auditPolicyFile) : undefined }) : null;
    if (audit) started.push({ name: 'audit log', stop: async () => { await audit.close?.(); } });
    const api = createApiServer({
      store, serviceAllocation: { serviceCIDR: flags.serviceCIDR }, ...sec?.apiOptions,
      ...(audit && sec?.apiOptions.security ? { security: { ...sec.apiOptions.security, audit } } : {}),
      encryption: flags.encryptionProviderConfig ? loadEncryptionConfig(flags.encryptionProviderConfig) : undefined,
      // To kubelets with its own client certificate; their serving certificates are not checked
      // (kube-apiserver without --kubelet-certificate-authority): agents serve self-signed ones.
      kubeletClient: sec ? { cert: sec.kubeletClient.cert, key: sec.kubeletClient.key } : undefined,
    });
    sec?.attach(api);
    started.push({ name: 'apiserver', stop: async () => { await api.close(); sec?.close(); } });
    const port = await api.listen(flags.port, flags.bindAddress);
    const host = flags.bindAddress === '0.0.0.0' ? '127.0.0.1' : flags.bindAddress;
    const url = `${sec ? 'https' : 'http'}://${host}:${port}`;
    const kcText = sec ? sec.adminKubeconfig(url) : kubeconfig(url);
    const kubeconfigPath = join(flags.dataDir, 'admin.kubeconfig');
    writeFileSync(kubeconfigPath, kcText, { mode: 0o600 });
    const userKc = flags.writeUserKubeconfig ? writeUserKubeconfig(kcText) : null;

    const client = (agent: string) => new RestClient({ server: url, userAgent: `k8ts-${agent}/v1.32.0`, ...sec?.credentials(agent) });
    const cmClient = client('controller-manager');
    phase('apiserver');

    // The control plane's own components and the node come up side by side: the kubelet needs only
    // the API server, and the node (containerd, images, registration) is the longest path.
    const controlPlane = async () => {
      const cm: ControllerManager = await startControllerManager({ client: cmClient, leaderElect, identity: `${flags.nodeName}_${process.pid}`, ...election, options: { clusterCIDR: flags.clusterCIDR, nodeMonitorGracePeriodMs: flags.nodeMonitorGracePeriodMs, rootCACert: sec?.ca.cert, clusterSigning: sec ? { cert: sec.ca.cert, key: sec.ca.key } : undefined } });
      started.push({ name: 'controller-manager', stop: async () => { await cm.stop(); cmClient.close(); } });
      phase('controller-manager');
      const schedClient = client('scheduler');
      const sched: RunningScheduler = await startScheduler({
        client: schedClient, leaderElect, identity: `${flags.nodeName}_${process.pid}`,
        config: { leaderElection: { leaseDuration: `${election.leaseDurationMs}ms`, renewDeadline: `${election.renewDeadlineMs}ms`, retryPeriod: `${election.retryPeriodMs}ms` } },
      });
      started.push({ name: 'scheduler', stop: async () => { await sched.stop(); schedClient.close(); } });
      phase('scheduler');
    };
    // Agents join with this token (a bootstrap token; the Secret is what the API server checks).
    const joinToken = loadOrCreateJoinToken(flags.dataDir);
    const publishJoin = () => publishJoinToken(client('admin'), joinToken, { rbac: !!sec, ttlMs: flags.joinTokenTtlMs || undefined });

    let readyAfterMs: number | null = null;
    let bridge: string | null = null;
    let nodeIP = '';
    const nodePath = async () => {
      if (!containerdP) return;
      const cd = await containerdP;
      phase('containerd');
      bridge = cd.bridge;
      const node = nodeRuntime(cd, { dataDir: flags.dataDir, cgroupRoot: flags.cgroupRoot, demoArchive: demoImagesP ?? undefined, log: (m, f) => logLine(m, f) });
      containerdOwned = true;
      started.push({ name: 'containerd', stop: node.stop });
      const runtime = await node.open();
      phase('images');
      const kubeletClient = client('kubelet');
      const kubelet = await startKubelet({
        client: kubeletClient, nodeName: flags.nodeName, runtime, rootDir: join(flags.dataDir, 'kubelet'),
        podCIDR: flags.podCIDR, staticPodDir: join(flags.dataDir, 'manifests'), cgroupRoot: flags.cgroupRoot,
        leasePeriodMs: flags.nodeLeaseDurationSeconds ? flags.nodeLeaseDurationSeconds * 250 : undefined,
        // The kubelet API answers only the API server and those RBAC lets in (nodes/proxy...).
        serverTLS: sec?.kubeletServing, serverAuth: sec ? delegatedKubeletAuth(kubeletClient, { clientCA: Buffer.from(sec.ca.cert) }) : undefined,
        serverPort: flags.kubeletPort ?? (flags.port === 0 ? 0 : 10250),
        clusterDNS: [flags.clusterDNS ?? clusterDnsIP(flags.serviceCIDR)], clusterDomain: flags.clusterDomain,
      });
      started.push({ name: 'kubelet', stop: async () => { await kubelet.stop(); kubeletClient.close(); } });
      nodeIP = kubelet.nodeIP;
      await waitNodeReady(cmClient, flags.nodeName, flags.readyTimeoutMs);
      phase('node Ready');
    };
    // Every path runs to its end (settled) before a failure is reported, so stopAll sees all it started.
    const results = await Promise.allSettled([controlPlane(), publishJoin(), nodePath()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;

    if (containerdP) {
      // The pod network: routes (or tunnels) to agents' pod subnets; NAT only for traffic leaving the cluster CIDR.
      const netClient = client('node-network');
      const net = await startNodeNetwork({ client: netClient, nodeName: flags.nodeName, nodeIP, podCIDR: flags.podCIDR, clusterCIDR: flags.clusterCIDR, backend: flags.networkBackend, log: (m, f) => logLine(m, f) });
      started.push({ name: 'node-network', stop: async () => { await net.stop(); netClient.close(); } });
      readyAfterMs = Math.round(performance.now() - t0);
      phase('node network');
      // The service proxy: every Service reachable from this machine and its pods. Its table goes
      // with it on stop, so a stopped server leaves no rules behind.
      // Both only need the API server: started side by side, each registered for stop once up.
      const proxyClient = client('proxy');
      const proxyUp = (async () => {
        const proxy = await startProxy({ client: proxyClient, nodeName: flags.nodeName, log: (m, f) => logLine(m, f) });
        started.push({ name: 'proxy', stop: async () => { await proxy.cleanup(); proxyClient.close(); } });
      })();
      // Cluster DNS on the pods' gateway, behind the kube-dns Service (server-dns.ts).
      const dnsUp = (async () => {
        const dns = await startServerDns({ client: client('dns'), publisher: client('admin'), nodeName: flags.nodeName, clusterIP: flags.clusterDNS ?? clusterDnsIP(flags.serviceCIDR),
          clusterDomain: flags.clusterDomain, bridge: { name: bridge!, podCIDR: flags.podCIDR }, log: (m, f) => logLine(m, f) });
        started.push({ name: 'dns', stop: () => dns.stop() });
      })();
      const up = await Promise.allSettled([proxyUp, dnsUp]);
      const down = up.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (down) throw down.reason;
      phase('proxy and dns');
    }
    logLine('cluster up', { url, kubeconfig: kubeconfigPath, userKubeconfig: userKc, readyAfterMs });
    return { url, kubeconfigPath, readyAfterMs, joinToken, serverToken, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function waitNodeReady(client: RestClient, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const nodes = { group: '', version: 'v1', plural: 'nodes', namespaced: false };
  for (;;) {
    const node = await client.get<{ status?: { conditions?: { type: string; status: string }[] } }>(nodes, name).catch(() => null);
    if (node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return;
    if (Date.now() > deadline) throw new Error(`node ${name} did not become Ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The URL agents on other machines use: the node's address when the server listens on all of them. */
function joinURL(url: string, bindAddress: string): string {
  if (bindAddress !== '0.0.0.0') return url;
  const u = new URL(url);
  u.hostname = defaultNodeIP();
  return u.toString().replace(/\/$/, '');
}

export async function main(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(SERVER_USAGE);
    return;
  }
  const flags = parseServerFlags(args, hostname());
  if (flags.reset) {
    await resetState(flags);
    return;
  }
  const running = await startServer(flags);
  process.stdout.write(`k8ts is up at ${running.url}${running.readyAfterMs !== null ? ` (node ${flags.nodeName} Ready after ${running.readyAfterMs} ms)` : ''}\n` +
    `join a node: k8ts agent --server ${joinURL(running.url, flags.bindAddress)} --token ${running.joinToken}${running.url.startsWith('https:') ? ` --ca-file ${join(serverPkiDir(flags.dataDir), 'ca.crt')}` : ''}\n` +
    (running.serverToken ? `add a server: k8ts server --datastore-endpoint ${flags.datastoreEndpoint} --server-token ${running.serverToken}\n` : '') +
    `kubeconfig: ${running.kubeconfigPath}  (export KUBECONFIG=${running.kubeconfigPath})\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logLine('shutting down', { signal });
      void running.stop().finally(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

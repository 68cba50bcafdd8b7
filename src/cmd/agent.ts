// `k8ts agent`: this machine joins a cluster as a node (k3s' agent): the kubelet with its own
// containerd, the service proxy, and the pod network to every other node. It talks only to the API
// server named by --server, with the join token. Node IPAM gives the node its pod subnet before
// containerd starts, because the CNI configuration is written for that subnet.
import { mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RestClient, resourceRef } from '../client/rest.js';
import { ApiError } from '../machinery/errors.js';
import { startContainerd, type ContainerdHandle } from '../kubelet/runtime/containerd.js';
import { nodeRuntime, resetNodeState } from '../kubelet/runtime/node-runtime.js';
import { startKubelet, defaultNodeIP } from '../kubelet/index.js';
import { delegatedKubeletAuth } from '../kubelet/auth/delegated.js';
import { startProxy } from '../proxy/index.js';
import { startNodeNetwork } from '../agent/network/node-network.js';
import { requestNodeCredentials, storedCredentials, type NodeCredentials } from '../agent/bootstrap.js';
import { AGENT_USAGE, parseAgentFlags, type AgentFlags } from './agent-flags.js';

const NODES = resourceRef('', 'v1', 'nodes', false);
type Stoppable = { name: string; stop(): Promise<void> };

function logLine(msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), component: 'agent', msg, ...fields })}\n`);
}

/** A refusal of the join token, said so that the user knows what to fix. */
function joinError(err: unknown, server: string): Error {
  if (err instanceof ApiError && (err.code === 401 || err.code === 403)) {
    return new Error(`the API server at ${server} refused the join token (${err.code} ${err.reason}): check --token against the token \`k8ts server\` printed`);
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** Registers the Node (if absent) and waits until node IPAM has given it a pod subnet. */
async function awaitPodCIDR(client: RestClient, f: AgentFlags, nodeIP: string): Promise<string> {
  try {
    await client.create(NODES, {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name: f.nodeName, labels: { 'kubernetes.io/hostname': f.nodeName, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': process.arch === 'x64' ? 'amd64' : process.arch } },
      status: { addresses: [{ type: 'InternalIP', address: nodeIP }, { type: 'Hostname', address: f.nodeName }] },
    });
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 409)) throw joinError(err, f.server);
  }
  const deadline = Date.now() + f.podCIDRTimeoutMs;
  for (;;) {
    const node = await client.get<{ spec?: { podCIDR?: string } }>(NODES, f.nodeName);
    if (node.spec?.podCIDR) return node.spec.podCIDR;
    if (Date.now() > deadline) throw new Error(`node ${f.nodeName} got no pod subnet within ${f.podCIDRTimeoutMs} ms: is the node IPAM controller running (k8ts server --cluster-cidr)?`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface RunningAgent {
  nodeName: string;
  podCIDR: string;
  stop(): Promise<void>;
}

export async function startAgent(f: AgentFlags): Promise<RunningAgent> {
  mkdirSync(f.dataDir, { recursive: true });
  const started: Stoppable[] = [];
  const stopAll = async () => {
    for (const s of started.reverse()) {
      try { await s.stop(); } catch (err) { logLine('stop failed', { component: s.name, err: String(err) }); }
    }
    started.length = 0;
  };
  const ca = f.caFile ? readFileSync(f.caFile) : undefined;
  const secure = f.server.startsWith('https:');
  if (secure && !ca) throw new Error('--ca-file is required with an https server: the cluster CA that signed its certificate (server data dir: server/tls/ca.crt)');
  try {
    const nodeIP = f.nodeIP ?? defaultNodeIP();
    // The join token only proves the right to ask for a node certificate (TLS bootstrap).
    const bootstrapClient = new RestClient({ server: f.server, token: f.token, ca, userAgent: `k8ts-agent/v1.32.0 (${f.nodeName})` });
    started.push({ name: 'bootstrap client', stop: async () => bootstrapClient.close() });
    // The server must accept the token before anything is set up on this machine.
    await bootstrapClient.request('GET', '/version').catch((err) => { throw joinError(err, f.server); });
    let creds: NodeCredentials | null = null;
    if (secure) {
      creds = storedCredentials(join(f.dataDir, 'pki'), f.nodeName);
      if (!creds) {
        creds = await requestNodeCredentials({ client: bootstrapClient, nodeName: f.nodeName, dir: join(f.dataDir, 'pki'), log: (m, x) => logLine(m, x) })
          .catch((err) => { throw joinError(err, f.server); });
      }
    }
    // Every component of the node then speaks as system:node:<name> (or with the token on a plain-HTTP test server).
    const client = (agent: string) => new RestClient({
      server: f.server, ca, ...(creds ? { cert: creds.cert, key: creds.key } : { token: f.token }), userAgent: `k8ts-${agent}/v1.32.0 (${f.nodeName})`,
    });
    const joinClient = client('agent');
    started.push({ name: 'join client', stop: async () => joinClient.close() });
    const podCIDR = await awaitPodCIDR(joinClient, f, nodeIP);
    logLine('joined', { server: f.server, node: f.nodeName, nodeIP, podCIDR });

    // Pod addresses stay unNATed inside the cluster CIDR: the node network masquerades only traffic leaving it.
    const cd: ContainerdHandle = await startContainerd({ dir: join(f.dataDir, 'containerd'), podCIDR, ipMasq: false, imagesOnDisk: f.imagesOnDisk, log: (m, x) => logLine(m, x) });
    const node = nodeRuntime(cd, { dataDir: f.dataDir, cgroupRoot: f.cgroupRoot, log: (m, x) => logLine(m, x) });
    started.push({ name: 'containerd', stop: node.stop });
    const runtime = await node.open();

    const netClient = client('node-network');
    const net = await startNodeNetwork({ client: netClient, nodeName: f.nodeName, nodeIP, podCIDR, clusterCIDR: f.clusterCIDR, backend: f.backend, log: (m, x) => logLine(m, x) });
    started.push({ name: 'node-network', stop: async () => { await net.stop(); netClient.close(); } });
    await net.ready;

    const kubeletClient = client('kubelet');
    // The kubelet API over HTTPS; callers are authenticated against the cluster CA or by TokenReview,
    // and authorized by SubjectAccessReview.
    // Its serving certificate comes from the cluster CA through a kubelet-serving CSR.
    const serving = secure && creds
      ? await requestNodeCredentials({ client: kubeletClient, nodeName: f.nodeName, dir: join(f.dataDir, 'pki'), serving: { dnsNames: [f.nodeName], ips: [nodeIP] }, log: (m, x) => logLine(m, x) })
      : undefined;
    const kubelet = await startKubelet({
      serverTLS: serving, serverAuth: secure ? delegatedKubeletAuth(kubeletClient, { clientCA: ca }) : undefined,
      client: kubeletClient, nodeName: f.nodeName, nodeIP, runtime, rootDir: join(f.dataDir, 'kubelet'), podCIDR,
      staticPodDir: join(f.dataDir, 'manifests'), cgroupRoot: f.cgroupRoot, serverPort: f.kubeletPort,
      clusterDNS: f.clusterDNS ? [f.clusterDNS] : [], clusterDomain: f.clusterDomain,
      leasePeriodMs: f.nodeLeaseDurationSeconds ? f.nodeLeaseDurationSeconds * 250 : undefined,
    });
    started.push({ name: 'kubelet', stop: async () => { await kubelet.stop(); kubeletClient.close(); } });

    const proxyClient = client('proxy');
    const proxy = await startProxy({ client: proxyClient, nodeName: f.nodeName, log: (m, x) => logLine(m, x) });
    started.push({ name: 'proxy', stop: async () => { await proxy.cleanup(); proxyClient.close(); } });
    return { nodeName: f.nodeName, podCIDR, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Removes what a previous agent left on this machine: its pods (through its containerd), then every file. */
export async function resetAgent(f: AgentFlags): Promise<void> {
  // The subnet in the CNI config does not matter for removing pods.
  await resetNodeState({ dataDir: f.dataDir, cgroupRoot: f.cgroupRoot, podCIDR: '10.244.0.0/24', ipMasq: false, log: (m, x) => logLine(m, x) });
}

export async function main(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(AGENT_USAGE);
    return;
  }
  const f = parseAgentFlags(args, hostname());
  if (f.reset) {
    await resetAgent(f);
    return;
  }
  const running = await startAgent(f);
  process.stdout.write(`k8ts agent: node ${running.nodeName} joined ${f.server} (pods ${running.podCIDR})\n`);
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

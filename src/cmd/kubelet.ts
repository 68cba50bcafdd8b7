// `k8ts kubelet`: runs the pods bound to this node. Talks to the API server through a kubeconfig
// and to containerd through CRI: the user's socket (--container-runtime-endpoint), or a containerd
// that k8ts starts and configures itself (with image archives imported from --images-dir).
import os from 'node:os';
import { RestClient } from '../client/index.js';
import { flagArgs } from './flags.js';

export interface KubeletFlags {
  kubeconfig: string;
  nodeName: string;
  rootDir: string;
  runtimeEndpoint: string;
  nodeIP?: string;
  podCIDR: string;
  staticPodDir?: string;
  clusterDNS: string[];
  clusterDomain: string;
  containerdDir: string;
  imagesDir: string;
}

const USAGE = `usage: k8ts kubelet [flags]

flags:
  --kubeconfig FILE                   API server credentials (required)
  --node-name NAME                    (default: the hostname)
  --root-dir DIR                      pod directories (default /var/lib/k8ts/kubelet)
  --container-runtime-endpoint SOCK   a CRI socket (unix:///run/containerd/containerd.sock);
                                      when absent, k8ts starts its own containerd
  --containerd-dir DIR                state of k8ts' own containerd (default /var/lib/k8ts/containerd)
  --images-dir DIR                    image archives imported at start (default /var/lib/k8ts/images)
  --node-ip IP                        (default: the first non-loopback IPv4 address)
  --pod-cidr CIDR                     this node's pod subnet (default 10.244.0.0/24)
  --pod-manifest-path DIR             static pod manifests
  --cluster-dns IP[,IP]               DNS servers for ClusterFirst pods
  --cluster-domain DOMAIN             (default cluster.local)
`;

export function parseFlags(args: string[]): KubeletFlags {
  const f: KubeletFlags = {
    kubeconfig: '', nodeName: os.hostname().toLowerCase(), rootDir: '/var/lib/k8ts/kubelet', runtimeEndpoint: '',
    podCIDR: '10.244.0.0/24', clusterDNS: [], clusterDomain: 'cluster.local', containerdDir: '/var/lib/k8ts/containerd', imagesDir: '/var/lib/k8ts/images',
  };
  for (const { name: a, inline: v, value: val } of flagArgs(args)) {
    switch (a) {
      case '--kubeconfig': f.kubeconfig = val(); break;
      case '--node-name': f.nodeName = val(); break;
      case '--root-dir': f.rootDir = val(); break;
      case '--container-runtime-endpoint': f.runtimeEndpoint = val().replace(/^unix:\/\//, ''); break;
      case '--containerd-dir': f.containerdDir = val(); break;
      case '--images-dir': f.imagesDir = val(); break;
      case '--node-ip': f.nodeIP = val(); break;
      case '--pod-cidr': f.podCIDR = val(); break;
      case '--pod-manifest-path': f.staticPodDir = val(); break;
      case '--cluster-dns': f.clusterDNS = val().split(',').filter(Boolean); break;
      case '--cluster-domain': f.clusterDomain = val(); break;
      case '-h': case '--help': process.stdout.write(USAGE); process.exit(0); break;
      default: throw new Error(`unknown flag ${a}\n${USAGE}`);
    }
  }
  if (!f.kubeconfig) throw new Error(`--kubeconfig is required\n${USAGE}`);
  return f;
}

export async function main(args: string[]): Promise<void> {
  const f = parseFlags(args);
  const { startKubelet } = await import('../kubelet/index.js');
  const { connectCri } = await import('../kubelet/runtime/cri-client.js');
  const log = (msg: string, fields?: Record<string, unknown>) => process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), component: 'kubelet', msg, ...fields })}\n`);
  let containerd: { stop(graceMs?: number): Promise<void>; socket: string } | null = null;
  let socket = f.runtimeEndpoint;
  if (!socket) {
    const { startContainerd } = await import('../kubelet/runtime/containerd.js');
    const { importImagesDir } = await import('../kubelet/runtime/images.js');
    containerd = await startContainerd({ dir: f.containerdDir, podCIDR: f.podCIDR, log });
    socket = containerd.socket;
    for (const r of await importImagesDir(socket, f.imagesDir)) log('images imported', { file: r.file, images: r.images });
  }
  const runtime = connectCri(socket);
  const client = RestClient.fromKubeconfig(f.kubeconfig, { userAgent: `kubelet/${f.nodeName}` });
  const ac = new AbortController();
  let kubelet: Awaited<ReturnType<typeof startKubelet>>;
  try {
    kubelet = await startKubelet({
      client, runtime, nodeName: f.nodeName, rootDir: f.rootDir, nodeIP: f.nodeIP, podCIDR: f.podCIDR, staticPodDir: f.staticPodDir,
      clusterDNS: f.clusterDNS, clusterDomain: f.clusterDomain, podLogDir: '/var/log/pods', log, signal: ac.signal,
    });
  } catch (err) {
    runtime.close();
    client.close();
    await containerd?.stop();
    throw err;
  }
  await new Promise<void>((resolve) => {
    const onSignal = () => resolve();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  log('stopping');
  // Pods keep running: a kubelet restart adopts them.
  await kubelet.stop();
  runtime.close();
  client.close();
  await containerd?.stop();
}

// `k8ts proxy`: the service proxy (kube-proxy, nftables mode) for one node. `--cleanup` removes the
// table it owns and exits, as `kube-proxy --cleanup` does.
import { hostname } from 'node:os';
import { RestClient } from '../client/rest.js';
import { cleanupScript, nftRunner, startProxy } from '../proxy/index.js';
import { flagArgs } from './flags.js';

export interface ProxyFlags {
  kubeconfig: string;
  nodeName: string;
  nodeIPs?: string[];
  cleanup: boolean;
  minSyncPeriodMs: number;
}

const USAGE = `usage: k8ts proxy [flags]

flags:
  --kubeconfig PATH        (default $KUBECONFIG or /var/lib/k8ts/server/admin.kubeconfig)
  --node-name NAME         (default this host's name)
  --node-ip IP[,IP]        addresses NodePorts answer on (default the Node's addresses)
  --min-sync-period MS     (default 100) fewest milliseconds between two rule updates
  --cleanup                delete the tables ip k8ts-proxy and ip k8ts-proxy-<n> and exit
`;

export function parseFlags(args: string[]): ProxyFlags {
  const f: ProxyFlags = { kubeconfig: process.env.KUBECONFIG || '/var/lib/k8ts/server/admin.kubeconfig', nodeName: hostname().toLowerCase(), cleanup: false, minSyncPeriodMs: 100 };
  for (const { name: a, inline: v, value: value } of flagArgs(args, USAGE)) {
    switch (a) {
      case '--kubeconfig': f.kubeconfig = value(); break;
      case '--node-name': f.nodeName = value(); break;
      case '--node-ip': f.nodeIPs = value().split(',').filter(Boolean); break;
      case '--min-sync-period': f.minSyncPeriodMs = Number(value()); break;
      case '--cleanup': f.cleanup = v === undefined ? true : v === 'true'; break;
      case '-h': case '--help': process.stdout.write(USAGE); process.exit(0); break;
      default: throw new Error(`unknown flag ${a}\n${USAGE}`);
    }
  }
  if (!Number.isFinite(f.minSyncPeriodMs) || f.minSyncPeriodMs < 0) throw new Error(`--min-sync-period must be a number of milliseconds\n${USAGE}`);
  return f;
}

function logLine(msg: string, fields?: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), component: 'proxy', msg, ...fields })}\n`);
}

export async function main(args: string[]): Promise<void> {
  const flags = parseFlags(args);
  if (flags.cleanup) {
    await nftRunner().apply(cleanupScript());
    logLine('removed tables ip k8ts-proxy and ip k8ts-proxy-<n>');
    return;
  }
  const client = RestClient.fromKubeconfig(flags.kubeconfig, { userAgent: 'k8ts-proxy/0.1' });
  const proxy = await startProxy({ client, nodeName: flags.nodeName, nodeIPs: flags.nodeIPs, minSyncPeriodMs: flags.minSyncPeriodMs, log: logLine });
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      logLine('shutting down', { signal: sig });
      // Rules stay in the kernel on a plain stop so traffic keeps flowing across restarts.
      void proxy.stop().catch(() => undefined).finally(() => { client.close(); resolve(); });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

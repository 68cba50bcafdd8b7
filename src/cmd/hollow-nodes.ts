// `k8ts hollow-nodes --count N`: N simulated nodes in this process (kubemark/kwok style) against
// the API server named by a kubeconfig. Runs until SIGTERM/SIGINT.
import { RestClient } from '../client/rest.js';
import { startHollowNodes } from '../hollownode/index.js';
import { parseDuration } from './duration.js';
import { flagArgs } from './flags.js';

export interface HollowNodesFlags {
  kubeconfig: string;
  count: number;
  namePrefix: string;
  cpu: string;
  memory: string;
  pods: number;
  zones: string[];
  leaseRenewMs: number;
}

const USAGE = `usage: k8ts hollow-nodes --count N [flags]

flags:
  --kubeconfig PATH      (default $KUBECONFIG or /var/lib/k8ts/server/admin.kubeconfig)
  --count N              how many nodes (required)
  --name-prefix P        node names are P0, P1, ... (default hollow-node-)
  --cpu Q                cpu capacity of each node (default 8)
  --memory Q             memory capacity of each node (default 32Gi)
  --pods N               pod capacity of each node (default 110)
  --zones a,b,c          zones handed out round-robin as topology.kubernetes.io/zone
  --lease-renew D        lease renewal period (default 10s)
`;

export function parseFlags(args: string[]): HollowNodesFlags {
  const f: HollowNodesFlags = {
    kubeconfig: process.env.KUBECONFIG || '/var/lib/k8ts/server/admin.kubeconfig',
    count: -1, namePrefix: 'hollow-node-', cpu: '8', memory: '32Gi', pods: 110, zones: [], leaseRenewMs: 10_000,
  };
  for (const { name: a, inline: v, value: value } of flagArgs(args, USAGE)) {
    switch (a) {
      case '--kubeconfig': f.kubeconfig = value(); break;
      case '--count': f.count = Number(value()); break;
      case '--name-prefix': f.namePrefix = value(); break;
      case '--cpu': f.cpu = value(); break;
      case '--memory': f.memory = value(); break;
      case '--pods': f.pods = Number(value()); break;
      case '--zones': f.zones = value().split(',').map((z) => z.trim()).filter(Boolean); break;
      case '--lease-renew': f.leaseRenewMs = parseDuration(value()); break;
      case '-h': case '--help': process.stdout.write(USAGE); process.exit(0); break;
      default: throw new Error(`unknown flag ${a}\n${USAGE}`);
    }
  }
  if (!Number.isInteger(f.count) || f.count < 0) throw new Error(`--count must be a non-negative integer\n${USAGE}`);
  if (!(f.leaseRenewMs > 0)) throw new Error(`--lease-renew must be a positive duration\n${USAGE}`);
  if (!Number.isInteger(f.pods) || f.pods < 0) throw new Error(`--pods must be a non-negative integer\n${USAGE}`);
  if (!/^[a-z0-9]([-a-z0-9.]*)?$/.test(f.namePrefix)) throw new Error(`--name-prefix must start a DNS subdomain name, got "${f.namePrefix}"`);
  return f;
}

function logLine(msg: string, fields?: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), component: 'hollow-nodes', msg, ...fields })}\n`);
}

export async function main(args: string[]): Promise<void> {
  const flags = parseFlags(args);
  const client = RestClient.fromKubeconfig(flags.kubeconfig, { userAgent: 'k8ts-hollow-nodes/0.1' });
  const nodes = await startHollowNodes({
    client, count: flags.count, namePrefix: flags.namePrefix, cpu: flags.cpu, memory: flags.memory, pods: flags.pods,
    zones: flags.zones, leaseRenewMs: flags.leaseRenewMs, log: logLine,
  });
  logLine('hollow nodes running', { count: flags.count, prefix: flags.namePrefix });
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      logLine('shutting down', { signal: sig });
      void nodes.stop().catch(() => undefined).finally(() => {
        client.close();
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

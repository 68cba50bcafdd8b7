// `k8ts dns`: cluster DNS (the kube-dns Service's backend) answering from the API server's Services
// and EndpointSlices, forwarding other names upstream.
import { RestClient } from '../client/rest.js';
import { startDns } from '../dns/index.js';
import { flagArgs } from './flags.js';

export interface DnsFlags { kubeconfig: string; listen: string; port: number; clusterDomain: string; upstream?: string }

const USAGE = `usage: k8ts dns [flags]

flags:
  --kubeconfig PATH       (default $KUBECONFIG or /var/lib/k8ts/server/admin.kubeconfig)
  --listen ADDR           (default 0.0.0.0) address for UDP and TCP
  --port N                (default 53)
  --cluster-domain NAME   (default cluster.local)
  --upstream HOST[:PORT]  (default the first nameserver in /etc/resolv.conf)
`;

export function parseFlags(args: string[]): DnsFlags {
  const f: DnsFlags = { kubeconfig: process.env.KUBECONFIG || '/var/lib/k8ts/server/admin.kubeconfig', listen: '0.0.0.0', port: 53, clusterDomain: 'cluster.local' };
  for (const { name: a, inline: v, value: value } of flagArgs(args, USAGE)) {
    switch (a) {
      case '--kubeconfig': f.kubeconfig = value(); break;
      case '--listen': f.listen = value(); break;
      case '--port': f.port = Number(value()); break;
      case '--cluster-domain': f.clusterDomain = value(); break;
      case '--upstream': f.upstream = value(); break;
      case '-h': case '--help': process.stdout.write(USAGE); process.exit(0); break;
      default: throw new Error(`unknown flag ${a}\n${USAGE}`);
    }
  }
  if (!Number.isInteger(f.port) || f.port < 0 || f.port > 65535) throw new Error(`--port must be a port number\n${USAGE}`);
  return f;
}

function logLine(msg: string, fields?: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), component: 'dns', msg, ...fields })}\n`);
}

export async function main(args: string[]): Promise<void> {
  const flags = parseFlags(args);
  const client = RestClient.fromKubeconfig(flags.kubeconfig, { userAgent: 'k8ts-dns/0.1' });
  const dns = await startDns({ client, listen: { host: flags.listen, port: flags.port }, clusterDomain: flags.clusterDomain, upstream: flags.upstream, log: logLine });
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      logLine('shutting down', { signal: sig });
      void dns.stop().catch(() => undefined).finally(() => { client.close(); resolve(); });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

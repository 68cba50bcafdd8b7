// `k8ts dns`: cluster DNS (the kube-dns Service's backend) answering from the API server's Services
// and EndpointSlices, forwarding other names upstream. With --publish-address it also puts itself
// behind the kube-dns Service (as `k8ts server` does for its own DNS), so a cluster installed
// component by component has cluster DNS at the address its kubelets give pods.
import { hostname } from 'node:os';
import { RestClient } from '../client/rest.js';
import { startDns } from '../dns/index.js';
import { flagArgs } from './flags.js';
import { ensureKubeDnsService, withdrawKubeDnsEndpoint } from './server-dns.js';

export interface DnsFlags {
  kubeconfig: string; listen: string; port: number; clusterDomain: string; upstream?: string;
  /** This listener's address as the kube-dns endpoint (empty: publish nothing). */
  publishAddress?: string;
  clusterDNS: string;
  nodeName: string;
}

const USAGE = `usage: k8ts dns [flags]

flags:
  --kubeconfig PATH       (default $KUBECONFIG or /var/lib/k8ts/server/admin.kubeconfig)
  --listen ADDR           (default 0.0.0.0) address for UDP and TCP
  --port N                (default 53)
  --cluster-domain NAME   (default cluster.local)
  --upstream HOST[:PORT],...  (default the nameservers in /etc/resolv.conf) tried in order
  --publish-address IP    publish this listener as an endpoint of the kube-dns Service (default: publish nothing)
  --cluster-dns IP        (default 10.96.0.10) the kube-dns Service's ClusterIP, with --publish-address
  --node-name NAME        (default: the host name) names this endpoint, with --publish-address
`;

export function parseFlags(args: string[]): DnsFlags {
  const f: DnsFlags = { kubeconfig: process.env.KUBECONFIG || '/var/lib/k8ts/server/admin.kubeconfig', listen: '0.0.0.0', port: 53, clusterDomain: 'cluster.local', clusterDNS: '10.96.0.10', nodeName: hostname().toLowerCase() };
  for (const { name: a, inline: v, value: value } of flagArgs(args, USAGE)) {
    switch (a) {
      case '--kubeconfig': f.kubeconfig = value(); break;
      case '--listen': f.listen = value(); break;
      case '--port': f.port = Number(value()); break;
      case '--cluster-domain': f.clusterDomain = value(); break;
      case '--upstream': f.upstream = value(); break;
      case '--publish-address': f.publishAddress = value() || undefined; break;
      case '--cluster-dns': f.clusterDNS = value(); break;
      case '--node-name': f.nodeName = value(); break;
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
  if (flags.publishAddress) {
    await ensureKubeDnsService(client, { clusterIP: flags.clusterDNS, address: flags.publishAddress, port: flags.port, nodeName: flags.nodeName }, logLine);
    logLine('published as kube-dns endpoint', { address: flags.publishAddress, port: flags.port, clusterIP: flags.clusterDNS });
  }
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      logLine('shutting down', { signal: sig });
      const withdraw = flags.publishAddress ? withdrawKubeDnsEndpoint(client, flags.nodeName).catch((err: unknown) => logLine('withdrawing the kube-dns endpoint failed', { err: String(err) })) : Promise.resolve();
      void withdraw.then(() => dns.stop()).catch(() => undefined).finally(() => { client.close(); resolve(); });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

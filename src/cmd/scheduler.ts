// `k8ts scheduler`: places pods on nodes through the binding API. Talks to the API server named by
// a kubeconfig; optional leader election (Lease kube-system/kube-scheduler) and /metrics.
import http from 'node:http';
import { RestClient } from '../client/rest.js';
import { startScheduler } from '../scheduler/index.js';
import { flagArgs } from './flags.js';

export interface SchedulerFlags {
  kubeconfig: string;
  config?: string;
  leaderElect: boolean;
  metricsPort: number;
  bindAddress: string;
}

const USAGE = `usage: k8ts scheduler [flags]

flags:
  --kubeconfig PATH     (default $KUBECONFIG or /var/lib/k8ts/server/admin.kubeconfig)
  --config PATH         KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) YAML
  --leader-elect[=bool] (default false) hold Lease kube-system/kube-scheduler to schedule
  --metrics-port N      (default 10259; 0 = off) serves /metrics and /healthz over plain HTTP
  --bind-address ADDR   (default 127.0.0.1) for the metrics port
`;

export function parseFlags(args: string[]): SchedulerFlags {
  const f: SchedulerFlags = { kubeconfig: process.env.KUBECONFIG || '/var/lib/k8ts/server/admin.kubeconfig', leaderElect: false, metricsPort: 10259, bindAddress: '127.0.0.1' };
  for (const { name: a, inline: v, value: value } of flagArgs(args, USAGE)) {
    switch (a) {
      case '--kubeconfig': f.kubeconfig = value(); break;
      case '--config': f.config = value(); break;
      case '--leader-elect': f.leaderElect = v === undefined ? true : v === 'true'; break;
      case '--metrics-port': f.metricsPort = Number(value()); break;
      case '--bind-address': f.bindAddress = value(); break;
      case '-h': case '--help': process.stdout.write(USAGE); process.exit(0); break;
      default: throw new Error(`unknown flag ${a}\n${USAGE}`);
    }
  }
  if (!Number.isInteger(f.metricsPort) || f.metricsPort < 0) throw new Error(`--metrics-port must be a port number\n${USAGE}`);
  return f;
}

function logLine(msg: string, fields?: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), component: 'scheduler', msg, ...fields })}\n`);
}

export async function main(args: string[]): Promise<void> {
  const flags = parseFlags(args);
  const client = RestClient.fromKubeconfig(flags.kubeconfig, { userAgent: 'k8ts-scheduler/0.1' });
  const sched = await startScheduler({
    client, config: flags.config, leaderElect: flags.leaderElect, log: logLine,
    // As kube-scheduler: a scheduler that lost its lease exits, and its supervisor starts it afresh.
    onLeadershipLost: () => { logLine('leaderelection lost; exiting'); process.exit(1); },
  });
  let server: http.Server | undefined;
  if (flags.metricsPort > 0) {
    server = http.createServer((req, res) => {
      if (req.url === '/metrics') {
        sched.metrics.registry.metrics().then((text) => {
          res.writeHead(200, { 'Content-Type': sched.metrics.registry.contentType });
          res.end(text);
        }, (err) => { res.writeHead(500); res.end(String(err)); });
      } else if (req.url === '/healthz' || req.url === '/livez' || req.url === '/readyz') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve, reject) => { server!.once('error', reject); server!.listen(flags.metricsPort, flags.bindAddress, resolve); });
    logLine('serving metrics', { address: `${flags.bindAddress}:${flags.metricsPort}` });
  }
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      logLine('shutting down', { signal: sig });
      void (async () => {
        await sched.stop().catch(() => undefined);
        await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
        client.close();
        resolve();
      })();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

// `k8ts controller-manager`: the controllers that restore desired state, with kube-controller-
// manager's flag names. Leader election is on by default, so two of them can run and one acts.
import { existsSync } from 'node:fs';
import { RestClient } from '../client/rest.js';
import type { ControllerOptions } from '../controllers/context.js';
import { defaultLog, startControllerManager, type ControllerManagerOptions } from '../controllers/manager.js';
import { CONTROLLERS } from '../controllers/registry.js';
import { parseDuration } from './duration.js';
import { flagArgs } from './flags.js';

export interface ControllerManagerFlags {
  kubeconfig: string;
  master?: string;
  controllers: string[];
  leaderElect: boolean;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  options: ControllerOptions;
}

const USAGE = `usage: k8ts controller-manager [flags]

flags:
  --kubeconfig PATH                    (default $KUBECONFIG, else /var/lib/k8ts/server/admin.kubeconfig)
  --master URL                         API server address; overrides the kubeconfig's
  --controllers LIST                   "*" all (default); "name" enables, "-name" disables; known:
                                       ${Object.keys(CONTROLLERS).join(', ')}
  --leader-elect[=BOOL]                (default true) act only while holding kube-system/kube-controller-manager
  --leader-elect-lease-duration D      (default 15s)
  --leader-elect-renew-deadline D      (default 10s)
  --leader-elect-retry-period D        (default 2s)
  --cluster-cidr CIDR                  (default 10.244.0.0/16) node IPAM carves node podCIDRs from it
  --node-cidr-mask-size N              (default 24)
  --node-monitor-grace-period D        (default 50s) silence before a node is marked Unknown
  --node-monitor-period D              (default 5s)
  --terminated-pod-gc-threshold N      (default 12500; 0 disables)
  --concurrent-syncs N                 workers per controller (default 5)
`;

function boolValue(v: string, flag: string): boolean {
  if (['true', '1', 't', 'TRUE', 'True'].includes(v)) return true;
  if (['false', '0', 'f', 'FALSE', 'False'].includes(v)) return false;
  throw new Error(`invalid boolean value "${v}" for ${flag}`);
}

function intValue(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`invalid value "${v}" for ${flag}: must be an integer`);
  return n;
}

export function parseFlags(args: string[], env: NodeJS.ProcessEnv = process.env): ControllerManagerFlags {
  const f: ControllerManagerFlags = {
    kubeconfig: env.KUBECONFIG || '/var/lib/k8ts/server/admin.kubeconfig',
    controllers: ['*'], leaderElect: true,
    leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, options: {},
  };
  for (const { name: a, inline: v, value: val } of flagArgs(args)) {
    switch (a) {
      case '--kubeconfig': f.kubeconfig = val(); break;
      case '--master': f.master = val(); break;
      case '--controllers': f.controllers = val().split(','); break;
      case '--leader-elect': f.leaderElect = v === undefined ? true : boolValue(v, a); break;
      case '--leader-elect-lease-duration': f.leaseDurationMs = parseDuration(val()); break;
      case '--leader-elect-renew-deadline': f.renewDeadlineMs = parseDuration(val()); break;
      case '--leader-elect-retry-period': f.retryPeriodMs = parseDuration(val()); break;
      case '--cluster-cidr': f.options.clusterCIDR = val(); break;
      case '--node-cidr-mask-size': f.options.nodeCIDRMaskSize = intValue(val(), a); break;
      case '--node-monitor-grace-period': f.options.nodeMonitorGracePeriodMs = parseDuration(val()); break;
      case '--node-monitor-period': f.options.nodeMonitorPeriodMs = parseDuration(val()); break;
      case '--terminated-pod-gc-threshold': f.options.terminatedPodGCThreshold = intValue(val(), a); break;
      case '--concurrent-syncs': f.options.workers = intValue(val(), a); break;
      case '-h': case '--help': process.stdout.write(USAGE); process.exit(0); break;
      default: throw new Error(`unknown flag ${a}\n${USAGE}`);
    }
  }
  return f;
}

export function managerOptions(flags: ControllerManagerFlags, client: RestClient): ControllerManagerOptions {
  return {
    client, controllers: flags.controllers, options: flags.options, leaderElect: flags.leaderElect,
    leaseDurationMs: flags.leaseDurationMs, renewDeadlineMs: flags.renewDeadlineMs, retryPeriodMs: flags.retryPeriodMs,
    log: defaultLog('controller-manager'),
  };
}

export async function main(args: string[]): Promise<void> {
  const flags = parseFlags(args);
  let client: RestClient;
  if (existsSync(flags.kubeconfig)) client = RestClient.fromKubeconfig(flags.kubeconfig, { userAgent: 'k8ts-controller-manager', ...(flags.master ? { server: flags.master } : {}) });
  else if (flags.master) client = new RestClient({ server: flags.master, userAgent: 'k8ts-controller-manager' });
  else throw new Error(`kubeconfig ${flags.kubeconfig} not found; pass --kubeconfig or --master`);
  const manager = await startControllerManager(managerOptions(flags, client));
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), component: 'controller-manager', msg: 'shutting down', signal: sig })}\n`);
      void manager.stop().finally(() => { client.close(); resolve(); });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

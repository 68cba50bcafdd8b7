// The kubelet: wires the node agent (registration, lease, node status), the pod manager (informer,
// workers, PLEG), the syncer (runtime, volumes, images, probes, status) and static pods, adopts what
// the runtime already runs, and stops all of it on stop() or when the signal aborts.
import os from 'node:os';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Pod } from '../api/core/v1/pod.js';
import type { ConfigMap } from '../api/core/v1/configmaps.js';
import type { Secret } from '../api/core/v1/secrets.js';
import type { Service } from '../api/core/v1/services.js';
import { EventRecorder, SharedInformerFactory, isNotFound, type RestClient } from '../client/index.js';
import { realClock, type Clock } from '../machinery/clock.js';
import type { ContainerRuntime } from './runtime/types.js';
import { removeCgroup } from './runtime/cgroups.js';
import { StartGate, defaultStartParallelism, gateStarts } from './runtime/start-gate.js';
import { CONFIGMAPS, SECRETS, SERVICES, type KubeletLog, type MachineInfo } from './types.js';
import { readMachineInfo } from './node/machine.js';
import { NodeAgent } from './node/agent.js';
import { allocatableOf } from './node/node-status.js';
import { hostResolvConf } from './pods/dns.js';
import type { EnvSources } from './pods/env.js';
import { ImageManager } from './pods/images.js';
import { PodManager } from './pods/manager.js';
import { PodSyncer } from './pods/syncer.js';
import { serviceLister, type ServiceLister } from './pods/service-lister.js';
import { DEFAULT_CGROUP_ROOT } from './pods/sandbox-config.js';
import { ProbeManager } from './probes/manager.js';
import { StatusManager } from './status/manager.js';
import { VolumeManager, type Mounter } from './volumes/manager.js';
import { tokenRequestSource } from './volumes/service-account-token.js';
import { adoptOrRemove } from './gc/adopt.js';
import { podUidsWithCgroups } from './gc/cgroups.js';
import { StaticPodSource } from './static/static-pods.js';
import { startKubeletServer, podFinder, type KubeletServer } from './server/server.js';
import type { KubeletAuth } from './server/auth.js';

export type { MachineInfo, MachineSample, KubeletLog } from './types.js';

export interface KubeletOptions {
  /** HTTPS for the kubelet's logs/exec/attach/port-forward server (serving certificate, and the CA client certificates must chain to). */
  serverTLS?: { cert: Buffer | string; key: Buffer | string; clientCA?: Buffer | string };
  /** Who may use that server (Kubernetes: delegated to the API server by TokenReview and SubjectAccessReview). */
  serverAuth?: KubeletAuth;
  client: RestClient;
  nodeName: string;
  runtime: ContainerRuntime;
  /** Pod directories (volumes) live under <rootDir>/pods. */
  rootDir: string;
  clock?: Clock;
  nodeIP?: string;
  podCIDR?: string;
  staticPodDir?: string;
  machine?: MachineInfo;
  log?: KubeletLog;
  signal?: AbortSignal;
  /** Cluster DNS servers for ClusterFirst pods (none: pods use the node's resolver). */
  clusterDNS?: string[];
  clusterDomain?: string;
  /** Where containers' log directories go (default <rootDir>/logs, like /var/log/pods). */
  podLogDir?: string;
  plegPeriodMs?: number;
  resyncPeriodMs?: number;
  statusPeriodMs?: number;
  leasePeriodMs?: number;
  mounter?: Mounter;
  /** Parent cgroup of this kubelet's pods (default /k8ts); give each kubelet on one machine its own. */
  cgroupRoot?: string;
  /** Port of the logs/exec server (default 10250; 0: a free port). */
  serverPort?: number;
  /** Address the logs/exec server binds (default: the node IP). */
  serverAddress?: string;
  /** Pods between RunPodSandbox and StartContainer at once (default: CPUs + 1; see start-gate.ts). */
  maxParallelStarts?: number;
}

export interface Kubelet {
  nodeName: string;
  nodeIP: string;
  /** The pod manager (for tests and the logs server: which pods run here). */
  pods: PodManager;
  /** The port of the logs/exec server (published in the Node's daemonEndpoints). */
  serverPort: number;
  stop(): Promise<void>;
}

/** The first non-internal IPv4 address of the machine. */
export function defaultNodeIP(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

function envSources(client: RestClient, listServices: ServiceLister): EnvSources {
  const orNull = async <T>(p: Promise<T>): Promise<T | null> => {
    try { return await p; } catch (err) { if (isNotFound(err)) return null; throw err; }
  };
  return {
    configMap: (ns, name) => orNull(client.get<ConfigMap>(CONFIGMAPS, name, { namespace: ns })),
    secret: (ns, name) => orNull(client.get<Secret>(SECRETS, name, { namespace: ns })),
    async services(ns) {
      const own = await listServices(ns);
      if (ns === 'default') return own;
      // The API server's own service is visible to every pod, as in Kubernetes.
      const master = (await listServices('default')).find((s) => s.metadata.name === 'kubernetes') ?? null;
      return master && !own.some((s) => s.metadata.name === 'kubernetes') ? [...own, master] : own;
    },
  };
}

export async function startKubelet(opts: KubeletOptions): Promise<Kubelet> {
  const clock = opts.clock ?? realClock;
  const log: KubeletLog = opts.log ?? ((msg, f) => process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), component: 'kubelet', msg, ...f })}\n`));
  const { client, nodeName } = opts;
  const runtime = gateStarts(opts.runtime, new StartGate(opts.maxParallelStarts ?? defaultStartParallelism()));
  mkdirSync(join(opts.rootDir, 'pods'), { recursive: true });
  const logRoot = opts.podLogDir ?? join(opts.rootDir, 'logs');
  mkdirSync(logRoot, { recursive: true });
  const machine = opts.machine ?? readMachineInfo(opts.rootDir);
  const nodeIP = opts.nodeIP ?? defaultNodeIP();
  const version = await runtime.version();
  const recorder = new EventRecorder({ client, component: 'kubelet', host: nodeName, clock, log });
  const serviceInformers = new SharedInformerFactory(client, { clock, log });
  const env = envSources(client, serviceLister(client, serviceInformers.informerFor<Service>(SERVICES)));
  const allocatable = () => allocatableOf(machine);
  const cgroupRoot = opts.cgroupRoot ?? DEFAULT_CGROUP_ROOT;

  let manager: PodManager | null = null;
  const statics = opts.staticPodDir
    ? new StaticPodSource({ dir: opts.staticPodDir, nodeName, client, clock, log, onPods: (pods) => manager?.setStaticPods(pods) })
    : null;
  // Projected serviceAccountToken volumes get tokens through the TokenRequest API, bound to the pod.
  const volumes = new VolumeManager({ rootDir: opts.rootDir, sources: env, allocatable, mounter: opts.mounter, tokens: tokenRequestSource(client), clock });
  const probes = new ProbeManager({ runtime, clock, recorder, onChange: (uid) => manager?.workers.trigger(uid) });
  const syncer = new PodSyncer({
    client, runtime, runtimeName: version.runtimeName, clock, recorder, log, volumes,
    images: new ImageManager(runtime, clock, recorder), probes, status: new StatusManager(client, log), env,
    nodeIP, logRoot, dns: { clusterDNS: opts.clusterDNS ?? [], clusterDomain: opts.clusterDomain ?? 'cluster.local', host: hostResolvConf() },
    allocatable, memoryCapacityBytes: machine.memoryBytes,
    requeue: (uid, at) => manager?.workers.at(uid, at),
    removeCgroup: async (p) => { await removeCgroup(p); }, cgroupRoot,
    statusTarget: (pod: Pod) => (statics?.isStatic(pod.metadata.uid ?? '') ? statics.mirrorOf(pod.metadata.uid ?? '') ?? null : undefined),
  });
  const server: KubeletServer = await startKubeletServer({
    runtime, logRoot, log, port: opts.serverPort ?? 10250, host: opts.serverAddress ?? nodeIP,
    findPod: (ns, name) => (manager ? podFinder(manager)(ns, name) : undefined),
    nodeName, tls: opts.serverTLS, auth: opts.serverAuth,
  });
  manager = new PodManager({ client, nodeName, runtime, syncer, clock, log, plegPeriodMs: opts.plegPeriodMs, resyncPeriodMs: opts.resyncPeriodMs });
  const agent = new NodeAgent({ client, nodeName, nodeIP, runtime, machine, clock, log, podCIDR: opts.podCIDR, kubeletPort: server.port, statusPeriodMs: opts.statusPeriodMs, leasePeriodMs: opts.leasePeriodMs });

  const pods = manager;
  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      await statics?.stop();
      await pods.stop();
      await agent.stop();
      await probes.stop();
      await recorder.shutdown();
      await serviceInformers.stop();
      await server.close();
    })();
    return stopped;
  };
  try {
    serviceInformers.start();
    await agent.register();
    agent.start();
    if (!(await pods.start())) throw new Error('timed out waiting for the pod informer to sync');
    if (statics) await statics.refresh();
    statics?.start();
    await adoptOrRemove({ runtime, log, desired: () => new Set(pods.desiredUids()), podUidsOnDisk: async () => [...volumes.podUidsOnDisk(), ...await podUidsWithCgroups(cgroupRoot)], cleanup: (uid) => syncer.cleanup(uid) });
    pods.startLoops(async () => {
      // Housekeeping: what a failed or interrupted teardown left (pod dirs, cgroup parents).
      const desired = new Set(pods.desiredUids());
      for (const uid of new Set([...volumes.podUidsOnDisk(), ...await podUidsWithCgroups(cgroupRoot)])) if (!desired.has(uid)) pods.workers.trigger(uid);
    });
    for (const uid of pods.desiredUids()) pods.workers.trigger(uid);
  } catch (err) {
    await stop();
    throw err;
  }
  opts.signal?.addEventListener('abort', () => { void stop(); }, { once: true });
  log('kubelet started', { node: nodeName, nodeIP, runtime: `${version.runtimeName}://${version.runtimeVersion}` });
  return { nodeName, nodeIP, pods, serverPort: server.port, stop };
}

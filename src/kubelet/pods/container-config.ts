// The CRI config of one container run: image, command/args with $(VAR) expanded, env, mounts
// (with subPath), resources as cgroup values (cpu shares/quota/period, memory limit, OOM score by
// QoS class) and the security context basics, plus the labels a restarted kubelet reads back.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod.js';
import type { Container } from '../../api/core/v1/container.js';
import { podQOSClass } from '../../api/core/v1/pod-qos.js';
import { Quantity } from '../../machinery/quantity.js';
import type { ContainerConfig, KeyValue, LinuxContainerResources, Mount } from '../runtime/types.js';
import { containerAnnotations, containerLabels } from './labels.js';
import { expand } from './expand.js';
import { terminationMessageMount } from './termination-message.js';

export const CPU_PERIOD_US = 100_000;
const MIN_SHARES = 2;
const MAX_SHARES = 262_144;
const MIN_QUOTA_US = 1_000;

function q(v: unknown): Quantity | null {
  if (v === undefined || v === null || v === '') return null;
  return Quantity.parse(String(v));
}

/** Requests/limits to cgroup values, as the kubelet's kuberuntime does on Linux. */
export function linuxResources(pod: Pod, c: Container, memoryCapacityBytes: number): LinuxContainerResources {
  const req = (c.resources?.requests ?? {}) as Record<string, unknown>;
  const lim = (c.resources?.limits ?? {}) as Record<string, unknown>;
  const cpuReq = q(req.cpu) ?? q(lim.cpu);
  const milli = cpuReq ? cpuReq.milliValue() : 0;
  let shares = milli === 0 ? MIN_SHARES : Math.floor((milli * 1024) / 1000);
  shares = Math.min(Math.max(shares, MIN_SHARES), MAX_SHARES);
  const r: LinuxContainerResources = { cpuShares: String(shares) };
  const cpuLim = q(lim.cpu);
  if (cpuLim) {
    r.cpuPeriod = String(CPU_PERIOD_US);
    r.cpuQuota = String(Math.max(MIN_QUOTA_US, Math.floor((cpuLim.milliValue() * CPU_PERIOD_US) / 1000)));
  }
  const memLim = q(lim.memory);
  if (memLim) r.memoryLimitInBytes = String(memLim.value());
  r.oomScoreAdj = String(oomScoreAdj(pod, c, memoryCapacityBytes));
  return r;
}

/** The kubelet's OOM score policy: Guaranteed -997, BestEffort 1000, Burstable by memory request. */
export function oomScoreAdj(pod: Pod, c: Container, memoryCapacityBytes: number): number {
  const qos = podQOSClass(pod.spec);
  if (qos === 'Guaranteed') return -997;
  if (qos === 'BestEffort') return 1000;
  const memReq = q((c.resources?.requests as Record<string, unknown> | undefined)?.memory);
  const req = memReq ? memReq.value() : 0;
  let adj = 1000 - Math.floor((1000 * req) / Math.max(1, memoryCapacityBytes));
  if (adj < 3) adj = 3;
  if (adj > 999) adj = 999;
  return adj;
}

export function containerHash(c: Container): string {
  return createHash('sha256').update(JSON.stringify(c)).digest('hex').slice(0, 8);
}

export interface ContainerConfigInput {
  pod: Pod;
  container: Container;
  restartCount: number;
  imageRef: string;
  env: KeyValue[];
  lookup(name: string): string | undefined;
  /** Host paths of the pod's volumes, by volume name. */
  volumes: Map<string, string>;
  memoryCapacityBytes: number;
  /** Where subPath directories may be created (the pod's directory). */
  podDir: string;
}

export function containerConfig(i: ContainerConfigInput): ContainerConfig {
  const { pod, container: c } = i;
  const mounts: Mount[] = [];
  for (const vm of c.volumeMounts ?? []) {
    const base = i.volumes.get(vm.name ?? '');
    if (base === undefined) throw new Error(`cannot find volume "${vm.name}" to mount into container "${c.name}"`);
    const sub = vm.subPathExpr ? expand(vm.subPathExpr, i.lookup) : vm.subPath;
    if (sub && (sub.startsWith('/') || sub.split('/').includes('..'))) throw new Error(`invalid subPath "${sub}": must be a relative path without '..'`);
    const hostPath = sub ? join(base, sub) : base;
    if (sub) mkdirSync(hostPath, { recursive: true });
    mounts.push({
      containerPath: vm.mountPath ?? '', hostPath, readonly: !!vm.readOnly,
      ...(vm.mountPropagation === 'Bidirectional' ? { propagation: 'PROPAGATION_BIDIRECTIONAL' as const } : vm.mountPropagation === 'HostToContainer' ? { propagation: 'PROPAGATION_HOST_TO_CONTAINER' as const } : {}),
    });
  }
  const tm = terminationMessageMount(i.podDir, c, i.restartCount);
  if (tm) mounts.push(tm);
  const sc = c.securityContext ?? {};
  const psc = pod.spec?.securityContext ?? {};
  const runAsUser = sc.runAsUser ?? psc.runAsUser;
  const runAsGroup = sc.runAsGroup ?? psc.runAsGroup;
  const spec = pod.spec ?? {};
  const cfg: ContainerConfig = {
    metadata: { name: c.name ?? '', attempt: i.restartCount },
    image: { image: i.imageRef },
    command: (c.command ?? []).map((x) => expand(x, i.lookup)),
    args: (c.args ?? []).map((x) => expand(x, i.lookup)),
    workingDir: c.workingDir ?? '',
    envs: i.env,
    mounts,
    labels: containerLabels(pod, c.name ?? ''),
    annotations: containerAnnotations(pod, i.restartCount, containerHash(c)),
    logPath: `${c.name}/${i.restartCount}.log`,
    stdin: !!c.stdin, stdinOnce: !!c.stdinOnce, tty: !!c.tty,
    linux: {
      resources: linuxResources(pod, c, i.memoryCapacityBytes),
      securityContext: {
        ...(sc.capabilities ? { capabilities: { addCapabilities: sc.capabilities.add ?? [], dropCapabilities: sc.capabilities.drop ?? [] } } : {}),
        privileged: !!sc.privileged,
        namespaceOptions: {
          network: spec.hostNetwork ? 'NODE' : 'POD',
          pid: spec.hostPID ? 'NODE' : spec.shareProcessNamespace ? 'POD' : 'CONTAINER',
          ipc: spec.hostIPC ? 'NODE' : 'POD',
        },
        ...(runAsUser !== undefined ? { runAsUser: { value: String(runAsUser) } } : {}),
        ...(runAsGroup !== undefined ? { runAsGroup: { value: String(runAsGroup) } } : {}),
        readonlyRootfs: !!sc.readOnlyRootFilesystem,
        noNewPrivs: sc.allowPrivilegeEscalation === false,
      },
    },
  };
  return cfg;
}

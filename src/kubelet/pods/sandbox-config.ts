// The CRI sandbox of a pod: hostname, DNS, hostPort mappings, cgroup parent /k8ts/pod<uid>,
// namespaces (hostNetwork -> NODE), and the labels that tie it back to the pod.
import type { Pod } from '../../api/core/v1/pod.js';
import type { PodSandboxConfig, PortMapping, Protocol } from '../runtime/types.js';
import { sandboxLabels } from './labels.js';
import { podDnsConfig, type DnsSettings } from './dns.js';
import { join } from 'node:path';

/** The kubelet's cgroup root unless told otherwise (one per kubelet when several share a machine). */
export const DEFAULT_CGROUP_ROOT = '/k8ts';

export function podCgroupParent(uid: string, root = DEFAULT_CGROUP_ROOT): string {
  return `${root}/pod${uid}`;
}

export function podLogDir(logRoot: string, pod: Pod): string {
  return join(logRoot, `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`);
}

export function sandboxConfig(pod: Pod, attempt: number, o: { logRoot: string; dns: DnsSettings; cgroupRoot?: string }): PodSandboxConfig {
  const spec = pod.spec ?? {};
  const hostNetwork = !!spec.hostNetwork;
  const ports: PortMapping[] = [];
  for (const c of spec.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      ports.push({ protocol: (p.protocol ?? 'TCP') as Protocol, containerPort: p.containerPort ?? 0, hostPort: p.hostPort, ...(p.hostIP ? { hostIp: p.hostIP } : {}) });
    }
  }
  const dns = podDnsConfig(pod, o.dns);
  const privileged = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].some((c) => c.securityContext?.privileged);
  const runAsUser = spec.securityContext?.runAsUser;
  const hostname = hostNetwork ? '' : (spec.hostname ?? pod.metadata.name ?? '').slice(0, 63).replace(/[.-]+$/, '');
  return {
    metadata: { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', uid: pod.metadata.uid ?? '', attempt },
    hostname,
    logDirectory: podLogDir(o.logRoot, pod),
    dnsConfig: { servers: dns.servers, searches: dns.searches, options: dns.options },
    portMappings: ports,
    labels: sandboxLabels(pod),
    annotations: { ...(pod.metadata.annotations ?? {}) },
    linux: {
      cgroupParent: podCgroupParent(pod.metadata.uid ?? '', o.cgroupRoot),
      securityContext: {
        namespaceOptions: {
          network: hostNetwork ? 'NODE' : 'POD',
          pid: spec.hostPID ? 'NODE' : spec.shareProcessNamespace ? 'POD' : 'CONTAINER',
          ipc: spec.hostIPC ? 'NODE' : 'POD',
        },
        privileged,
        ...(runAsUser !== undefined ? { runAsUser: { value: String(runAsUser) } } : {}),
      },
    },
  };
}

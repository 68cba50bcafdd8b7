// Shared pieces of the kubelet integration tests: a fixed machine (so capacity and pressure are
// known), pod builders and waits on pod status through the real API server.
import type { Pod } from '../../src/api/core/v1/pod.js';
import type { RestClient } from '../../src/client/index.js';
import type { MachineInfo } from '../../src/kubelet/index.js';
import { PODS } from '../../src/kubelet/types.js';

export const GiB = 1024 ** 3;

export function fixedMachine(over: Partial<MachineInfo> = {}): MachineInfo {
  return {
    hostname: 'test-host', cpuCores: 4, memoryBytes: 8 * GiB, ephemeralStorageBytes: 100 * GiB,
    osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-test', architecture: 'amd64', operatingSystem: 'linux',
    machineID: 'm1', systemUUID: 'u1', bootID: 'b1',
    sample: () => ({ memoryAvailableBytes: 6 * GiB, diskAvailableBytes: 50 * GiB, diskCapacityBytes: 100 * GiB, pidsInUse: 100, pidsMax: 32768 }),
    ...over,
  };
}

export function podOf(name: string, nodeName: string, spec: Record<string, unknown>, namespace = 'default'): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { nodeName, terminationGracePeriodSeconds: 2, ...spec } } as Pod;
}

/** Polls the pod until pred holds; fails with the last status seen. */
export async function waitPod(client: RestClient, name: string, pred: (p: Pod) => boolean, what: string, timeoutMs = 15_000, namespace = 'default'): Promise<Pod> {
  const end = Date.now() + timeoutMs;
  let last: Pod | undefined;
  for (;;) {
    try { last = await client.get<Pod>(PODS, name, { namespace }); } catch { last = undefined; }
    if (last && pred(last)) return last;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last status: ${JSON.stringify(last?.status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function waitGone(client: RestClient, name: string, timeoutMs = 15_000, namespace = 'default'): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try { await client.get<Pod>(PODS, name, { namespace }); } catch { return; }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for pod ${name} to be deleted`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

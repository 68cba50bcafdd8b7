// A pod as the runtime has it: its sandboxes (newest first) and every container with its status,
// found by the pod-uid label, so nothing but the runtime is needed after a kubelet restart.
import type { ContainerRuntime, ContainerStatus, PodSandbox, PodSandboxStatus } from '../runtime/types.js';
import { isNotFound } from '../runtime/errors.js';
import { nsToMs } from '../status/time.js';
import { POD_UID } from './labels.js';

export interface RuntimePod {
  sandboxes: PodSandbox[];
  /** Status of the newest sandbox (with its IP), if any. */
  sandbox: PodSandboxStatus | null;
  containers: ContainerStatus[];
}

export async function runtimePod(runtime: ContainerRuntime, uid: string): Promise<RuntimePod> {
  const [sbs, cs] = await Promise.all([
    runtime.listPodSandbox({ labelSelector: { [POD_UID]: uid } }),
    runtime.listContainers({ labelSelector: { [POD_UID]: uid } }),
  ]);
  const sandboxes = sbs.sort((a, b) => nsToMs(b.createdAt) - nsToMs(a.createdAt));
  let sandbox: PodSandboxStatus | null = null;
  if (sandboxes[0]) {
    try { sandbox = await runtime.podSandboxStatus(sandboxes[0].id); } catch (err) { if (!isNotFound(err)) throw err; }
  }
  const statuses = await Promise.all(cs.map(async (c) => {
    try { return await runtime.containerStatus(c.id); } catch (err) { if (isNotFound(err)) return null; throw err; }
  }));
  return { sandboxes, sandbox, containers: statuses.filter((x): x is ContainerStatus => x !== null) };
}

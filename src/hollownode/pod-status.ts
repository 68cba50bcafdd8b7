// The pod statuses a hollow kubelet writes: Running (every container started and ready, an IP from
// the node's range) and Failed (containers terminated with an error), as the kubelet's status
// manager would compute them for containers that really ran.
import { rfc3339 } from './time.js';

interface ContainerLike { name: string; image?: string }
export interface PodLike {
  metadata: { name?: string; namespace?: string; uid?: string; deletionTimestamp?: string; resourceVersion?: string };
  spec?: { nodeName?: string; containers?: ContainerLike[]; initContainers?: ContainerLike[] };
  status?: { phase?: string; startTime?: string; conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
}

function imageRef(image: string | undefined): string {
  const img = image ?? 'unknown';
  return `${img.includes('/') ? img : `docker.io/library/${img}`}@sha256:${'0'.repeat(64)}`;
}

function condition(type: string, status: string, at: string, reason?: string, message?: string): Record<string, unknown> {
  const c: Record<string, unknown> = { type, status, lastTransitionTime: at };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

export function runningStatus(pod: PodLike, hostIP: string, podIP: string, now: number): Record<string, unknown> {
  const at = rfc3339(now);
  const started = pod.status?.startTime ?? at;
  const uid = pod.metadata.uid ?? '';
  return {
    phase: 'Running',
    conditions: [
      condition('PodReadyToStartContainers', 'True', at),
      condition('Initialized', 'True', at),
      condition('Ready', 'True', at),
      condition('ContainersReady', 'True', at),
      condition('PodScheduled', 'True', pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime ?? at),
    ],
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: started,
    initContainerStatuses: (pod.spec?.initContainers ?? []).map((c, idx) => ({
      name: c.name, image: c.image ?? '', imageID: imageRef(c.image), containerID: `hollow://${uid}-init-${idx}`,
      ready: true, restartCount: 0, started: false,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: started, finishedAt: at, containerID: `hollow://${uid}-init-${idx}` } },
    })),
    containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
      name: c.name, image: c.image ?? '', imageID: imageRef(c.image), containerID: `hollow://${uid}-${c.name}`,
      ready: true, restartCount: 0, started: true, state: { running: { startedAt: at } },
    })),
  };
}

export function failedStatus(pod: PodLike, reason: string, now: number): Record<string, unknown> {
  const at = rfc3339(now);
  const uid = pod.metadata.uid ?? '';
  const notReady = 'containers with unready status: [' + (pod.spec?.containers ?? []).map((c) => c.name).join(' ') + ']';
  return {
    phase: 'Failed',
    reason,
    message: `hollow node failed the pod (${reason})`,
    conditions: [
      condition('PodReadyToStartContainers', 'False', at),
      condition('Initialized', 'True', at),
      condition('Ready', 'False', at, 'PodFailed', notReady),
      condition('ContainersReady', 'False', at, 'PodFailed', notReady),
      condition('PodScheduled', 'True', pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime ?? at),
    ],
    containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
      name: c.name, image: c.image ?? '', imageID: imageRef(c.image), containerID: `hollow://${uid}-${c.name}`,
      ready: false, restartCount: 0, started: false,
      state: { terminated: { exitCode: 1, reason: 'Error', startedAt: pod.status?.startTime ?? at, finishedAt: at, containerID: `hollow://${uid}-${c.name}` } },
    })),
  };
}

// Container termination messages (upstream: kuberuntime_container.go, getTerminationMessage and
// readLastStringFromContainerLogs). Each container run gets an empty file of its own on the host,
// bind-mounted at its terminationMessagePath (default /dev/termination-log); when the run has
// exited, what the container wrote there (its last 4096 bytes) becomes state.terminated.message.
// With terminationMessagePolicy FallbackToLogsOnError, a run that failed (exit code != 0) and wrote
// nothing there reports the tail of its log instead: the last 80 lines, at most 2048 bytes.
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod.js';
import type { Container } from '../../api/core/v1/container.js';
import type { ContainerStatus as CriStatus, Mount } from '../runtime/types.js';
import { parseCriLog, renderLogs } from '../server/cri-log.js';
import { CONTAINER_NAME, restartCountOf } from './labels.js';

export const MAX_TERMINATION_MESSAGE_BYTES = 4096;
export const FALLBACK_LOG_LINES = 80;
export const FALLBACK_LOG_BYTES = 2048;

/** The host file of one run of a container: a fresh one per restart, so no run reads another's message. */
export function terminationMessageHostPath(podDir: string, containerName: string, restartCount: number): string {
  return join(podDir, 'containers', containerName, `termination-log-${restartCount}`);
}

/** Creates the run's empty message file and returns its mount, or null when the container has no path. */
export function terminationMessageMount(podDir: string, c: Container, restartCount: number): Mount | null {
  const containerPath = c.terminationMessagePath;
  if (!containerPath) return null;
  const hostPath = terminationMessageHostPath(podDir, c.name ?? '', restartCount);
  mkdirSync(join(hostPath, '..'), { recursive: true });
  writeFileSync(hostPath, '');
  return { containerPath, hostPath, readonly: false };
}

/** The last `max` bytes of a file (what upstream's tail.ReadAtMost returns); null when it is missing. */
function readAtMost(path: string, max: number): Buffer | null {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch { return null; }
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, max);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** The tail of a CRI log file as upstream's fallback renders it (both streams, no timestamps). */
export function lastLogText(logPath: string): string {
  let content: string;
  try { content = readFileSync(logPath, 'utf8'); } catch { return ''; }
  return renderLogs(parseCriLog(content), { tailLines: FALLBACK_LOG_LINES, limitBytes: FALLBACK_LOG_BYTES });
}

/** The message of one exited run, from its file or (per policy) its log; '' when there is none. */
export function terminationMessage(podDir: string, spec: Container, run: CriStatus): string {
  const fallback = spec.terminationMessagePolicy === 'FallbackToLogsOnError' && run.exitCode !== 0 && run.reason !== 'ContainerCannotRun';
  let text = '';
  if (spec.terminationMessagePath) {
    const data = readAtMost(terminationMessageHostPath(podDir, spec.name ?? '', restartCountOf(run.annotations)), MAX_TERMINATION_MESSAGE_BYTES);
    if (data) text = data.toString('utf8');
  }
  if (!text && fallback && run.logPath) text = lastLogText(run.logPath);
  return text;
}

// An exited run's file and log no longer change: read each once (bounded, cleared when full).
const cache = new Map<string, string>();
const CACHE_MAX = 4096;

/** For computePodStatus: the termination message of a pod's exited runtime container. */
export function terminationMessageReader(pod: Pod, podDir: string): (run: CriStatus) => string {
  const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return (run) => {
    if (run.state !== 'CONTAINER_EXITED') return '';
    const hit = cache.get(run.id);
    if (hit !== undefined) return hit;
    const name = run.labels?.[CONTAINER_NAME] ?? run.metadata.name;
    const spec = specs.find((c) => c.name === name);
    if (!spec) return '';
    const text = terminationMessage(podDir, spec, run);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(run.id, text);
    return text;
  };
}

// Static pods: manifests (YAML or JSON, one Pod each) in a directory, run by this kubelet without
// the API server, and mirrored to it as "<name>-<nodeName>" with the kubernetes.io/config.mirror
// annotation so kubectl shows them. The uid is a hash of the manifest and node, as the kubelet's
// file source does, so an edited manifest is a new pod.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Pod } from '../../api/core/v1/pod.js';
import { isAlreadyExists, isNotFound, type RestClient } from '../../client/index.js';
import type { Clock } from '../../machinery/clock.js';
import { PODS, type KubeletLog } from '../types.js';
import { MIRROR_ANNOTATION } from '../pods/manager.js';

export const CONFIG_HASH = 'kubernetes.io/config.hash';
export const CONFIG_SOURCE = 'kubernetes.io/config.source';
export const CONFIG_SEEN = 'kubernetes.io/config.seen';

/** Reads every manifest in dir; a file that does not parse is logged and skipped. */
export function readStaticPods(dir: string, nodeName: string, log: KubeletLog = () => {}): Pod[] {
  let files: string[];
  try { files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f) && !f.startsWith('.')).sort(); } catch { return []; }
  const pods: Pod[] = [];
  for (const f of files) {
    try {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const doc of parseAllDocuments(text)) {
        const obj = doc.toJS() as Pod | null;
        if (!obj || obj.kind !== 'Pod') continue;
        pods.push(staticPod(obj, nodeName));
      }
    } catch (err) {
      log('static pod manifest skipped', { file: f, err: (err as Error).message });
    }
  }
  return pods;
}

export function staticPod(manifest: Pod, nodeName: string): Pod {
  const pod = structuredClone(manifest);
  const hash = createHash('md5').update(JSON.stringify(manifest)).update(nodeName).digest('hex');
  pod.metadata.namespace = pod.metadata.namespace || 'default';
  pod.metadata.name = `${pod.metadata.name}-${nodeName}`;
  pod.metadata.uid = hash;
  pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [CONFIG_HASH]: hash, [CONFIG_SOURCE]: 'file' };
  pod.spec = { restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', ...(pod.spec ?? {}), nodeName };
  for (const c of [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])]) c.imagePullPolicy ??= 'IfNotPresent';
  pod.status = pod.status ?? {};
  return pod;
}

/** The mirror pod of a static pod: same spec, with the mirror annotation set to the config hash. */
export function mirrorPod(pod: Pod): Pod {
  const m = structuredClone(pod);
  const hash = pod.metadata.annotations?.[CONFIG_HASH] ?? '';
  m.apiVersion = 'v1';
  m.kind = 'Pod';
  m.metadata = { name: pod.metadata.name, namespace: pod.metadata.namespace, labels: pod.metadata.labels, annotations: { ...(pod.metadata.annotations ?? {}), [MIRROR_ANNOTATION]: hash } };
  delete m.status;
  return m;
}

export interface StaticPodSourceOptions {
  dir: string;
  nodeName: string;
  client: RestClient;
  clock: Clock;
  log: KubeletLog;
  onPods(pods: Pod[]): void;
  /** Directory re-read period (default 20 s, as the kubelet's file check frequency). */
  periodMs?: number;
}

/** Watches the manifest directory and keeps one mirror pod per static pod. */
export class StaticPodSource {
  private pods = new Map<string, Pod>();
  private timer: { cancel(): void } | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;

  constructor(private readonly o: StaticPodSourceOptions) {}

  /** The mirror to write a static pod's status to (by the static pod's uid). */
  mirrorOf(uid: string): { namespace: string; name: string } | undefined {
    const p = this.pods.get(uid);
    return p ? { namespace: p.metadata.namespace ?? 'default', name: p.metadata.name ?? '' } : undefined;
  }

  isStatic(uid: string): boolean {
    return this.pods.has(uid);
  }

  async refresh(): Promise<void> {
    const pods = readStaticPods(this.o.dir, this.o.nodeName, this.o.log);
    const next = new Map(pods.map((p) => [p.metadata.uid ?? '', p]));
    const gone = [...this.pods.values()].filter((p) => !next.has(p.metadata.uid ?? ''));
    this.pods = next;
    this.o.onPods(pods);
    for (const p of pods) await this.ensureMirror(p).catch((err) => this.o.log('mirror pod not written', { name: p.metadata.name, err: (err as Error).message }));
    for (const p of gone) {
      if (pods.some((x) => x.metadata.name === p.metadata.name && x.metadata.namespace === p.metadata.namespace)) continue;
      await this.o.client.delete(PODS, p.metadata.name ?? '', { namespace: p.metadata.namespace, gracePeriodSeconds: 0 }).catch((err) => { if (!isNotFound(err)) throw err; });
    }
  }

  /** Creates the mirror, or replaces one made from an older manifest. */
  private async ensureMirror(p: Pod): Promise<void> {
    const hash = p.metadata.annotations?.[CONFIG_HASH];
    try {
      await this.o.client.create(PODS, mirrorPod(p), { namespace: p.metadata.namespace });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const cur = await this.o.client.get<Pod>(PODS, p.metadata.name ?? '', { namespace: p.metadata.namespace });
      if (cur.metadata.annotations?.[MIRROR_ANNOTATION] === hash) return;
      await this.o.client.delete(PODS, p.metadata.name ?? '', { namespace: p.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid: cur.metadata.uid } });
      await this.o.client.create(PODS, mirrorPod(p), { namespace: p.metadata.namespace });
    }
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.refresh().catch((err) => this.o.log('static pods refresh failed', { err: (err as Error).message })).finally(() => {
        this.running = null;
        if (!this.stopped) this.timer = this.o.clock.setTimeout(tick, this.o.periodMs ?? 20_000);
      });
    };
    // The first read happened at start (refresh()); this re-reads every period.
    this.timer = this.o.clock.setTimeout(tick, this.o.periodMs ?? 20_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
  }
}

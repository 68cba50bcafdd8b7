// The pod's volumes on the node: <root>/pods/<uid>/volumes/<plugin>/<name>, set up before its
// containers start and refreshed on every sync (so ConfigMap and Secret changes reach the files),
// torn down (tmpfs unmounted, directory removed) once the pod is gone.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Pod } from '../../api/core/v1/pod.js';
import type { ConfigMap } from '../../api/core/v1/configmaps.js';
import type { Secret } from '../../api/core/v1/secrets.js';
import { Quantity } from '../../machinery/quantity.js';
import type { Clock } from '../../machinery/clock.js';
import type { PodAddresses } from '../pods/field-ref.js';
import { writeAtomic, type FileProjection } from './atomic-writer.js';
import { checkHostPath } from './host-path.js';
import { configMapFiles, secretFiles, downwardFiles, DEFAULT_MODE } from './projections.js';
import { ServiceAccountTokenManager, type TokenSource } from './service-account-token.js';

const run = promisify(execFile);

export interface VolumeSources {
  configMap(namespace: string, name: string): Promise<ConfigMap | null>;
  secret(namespace: string, name: string): Promise<Secret | null>;
}

export interface Mounter {
  mountTmpfs(dir: string, sizeBytes?: number): Promise<void>;
  unmount(dir: string): Promise<void>;
  /** Mount points under a directory. */
  mountsUnder(dir: string): string[];
}

/** Real mounts through mount(8)/umount(8); /proc/self/mountinfo says what is mounted. */
export const systemMounter: Mounter = {
  async mountTmpfs(dir, sizeBytes) {
    if (systemMounter.mountsUnder(dir).includes(dir)) return;
    await run('mount', ['-t', 'tmpfs', '-o', sizeBytes ? `size=${sizeBytes}` : 'mode=0777', 'tmpfs', dir]);
  },
  async unmount(dir) {
    await run('umount', [dir]);
  },
  mountsUnder(dir) {
    let text = '';
    try { text = readFileSync('/proc/self/mountinfo', 'utf8'); } catch { return []; }
    const out: string[] = [];
    for (const line of text.split('\n')) {
      const mp = line.split(' ')[4];
      if (mp && (mp === dir || mp.startsWith(`${dir}/`))) out.push(mp.replace(/\\040/g, ' '));
    }
    return out;
  },
};

export class VolumeError extends Error {
  constructor(readonly volume: string, message: string) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${message}`);
  }
}

export interface VolumeManagerOptions {
  rootDir: string;
  sources: VolumeSources;
  allocatable(): Record<string, string>;
  mounter?: Mounter;
  /**
   * The TokenRequest API (tokenRequestSource(client)) for projected serviceAccountToken sources;
   * without it those sources are left out of the volume.
   */
  tokens?: TokenSource;
  clock?: Clock;
}

export class VolumeManager {
  private readonly mounter: Mounter;
  private readonly tokens: ServiceAccountTokenManager | null;

  constructor(private readonly o: VolumeManagerOptions) {
    this.mounter = o.mounter ?? systemMounter;
    this.tokens = o.tokens ? new ServiceAccountTokenManager(o.tokens, o.clock) : null;
  }

  podDir(uid: string): string {
    return join(this.o.rootDir, 'pods', uid);
  }

  /** Sets up (or refreshes) every volume; returns each volume's host path by name. */
  async setup(pod: Pod, addrs: PodAddresses): Promise<Map<string, string>> {
    const uid = pod.metadata.uid ?? '';
    const ns = pod.metadata.namespace ?? 'default';
    const base = join(this.podDir(uid), 'volumes');
    const paths = new Map<string, string>();
    for (const v of pod.spec?.volumes ?? []) {
      const name = v.name ?? '';
      try {
        if (v.hostPath) {
          checkHostPath(v.hostPath.path ?? '', v.hostPath.type);
          paths.set(name, v.hostPath.path ?? '');
        } else if (v.emptyDir) {
          const dir = join(base, 'kubernetes.io~empty-dir', name);
          mkdirSync(dir, { recursive: true, mode: 0o777 });
          if (v.emptyDir.medium === 'Memory') {
            const size = v.emptyDir.sizeLimit ? Number(Quantity.parse(String(v.emptyDir.sizeLimit)).value()) : undefined;
            await this.mounter.mountTmpfs(dir, size);
          }
          paths.set(name, dir);
        } else if (v.configMap) {
          const dir = join(base, 'kubernetes.io~configmap', name);
          const cm = await this.o.sources.configMap(ns, v.configMap.name ?? '');
          await writeAtomic(dir, configMapFiles(v.configMap.name ?? '', cm, v.configMap.items, v.configMap.defaultMode ?? DEFAULT_MODE, !!v.configMap.optional));
          paths.set(name, dir);
        } else if (v.secret) {
          const dir = join(base, 'kubernetes.io~secret', name);
          const s = await this.o.sources.secret(ns, v.secret.secretName ?? '');
          await writeAtomic(dir, secretFiles(v.secret.secretName ?? '', s, v.secret.items, v.secret.defaultMode ?? DEFAULT_MODE, !!v.secret.optional));
          paths.set(name, dir);
        } else if (v.downwardAPI) {
          const dir = join(base, 'kubernetes.io~downward-api', name);
          await writeAtomic(dir, downwardFiles(pod, v.downwardAPI.items, v.downwardAPI.defaultMode ?? DEFAULT_MODE, addrs, this.o.allocatable()));
          paths.set(name, dir);
        } else if (v.projected) {
          const dir = join(base, 'kubernetes.io~projected', name);
          const mode = v.projected.defaultMode ?? DEFAULT_MODE;
          const files = new Map<string, FileProjection>();
          for (const s of v.projected.sources ?? []) {
            if (s.configMap) configMapFiles(s.configMap.name ?? '', await this.o.sources.configMap(ns, s.configMap.name ?? ''), s.configMap.items, mode, !!s.configMap.optional, files);
            else if (s.secret) secretFiles(s.secret.name ?? '', await this.o.sources.secret(ns, s.secret.name ?? ''), s.secret.items, mode, !!s.secret.optional, files);
            else if (s.downwardAPI) downwardFiles(pod, s.downwardAPI.items, mode, addrs, this.o.allocatable(), files);
            else if (s.serviceAccountToken && this.tokens) {
              const t = s.serviceAccountToken;
              files.set(t.path ?? 'token', { data: Buffer.from(await this.tokens.token(pod, { audience: t.audience, expirationSeconds: t.expirationSeconds })), mode });
            }
            // clusterTrustBundle sources: not yet.
          }
          await writeAtomic(dir, files);
          paths.set(name, dir);
        } else {
          throw new Error('volume type not supported by this kubelet');
        }
      } catch (err) {
        if (err instanceof VolumeError) throw err;
        throw new VolumeError(name, (err as Error).message);
      }
    }
    return paths;
  }

  /** Unmounts what the pod mounted and removes its directory. */
  async teardown(uid: string): Promise<void> {
    this.tokens?.forget(uid);
    const dir = this.podDir(uid);
    const mounts = this.mounter.mountsUnder(dir).sort((a, b) => b.length - a.length);
    for (const m of mounts) await this.mounter.unmount(m);
    // Off the event loop: a pod directory on a disk filesystem took ~15 ms to remove, during which
    // the whole process (in `k8ts server`, the API server too) stood still.
    await rm(dir, { recursive: true, force: true });
  }

  /** When the pod's projected tokens are due for refresh (ms since the epoch), if it has any. */
  nextTokenRefresh(uid: string): number | undefined {
    return this.tokens?.nextRefresh(uid);
  }

  /** Uids with a directory on disk (to find leftovers of pods that are gone). */
  podUidsOnDisk(): string[] {
    try { return readdirSync(join(this.o.rootDir, 'pods')); } catch { return []; }
  }
}

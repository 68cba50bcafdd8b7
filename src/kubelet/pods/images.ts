// Image pulls per imagePullPolicy (EnsureImageExists): Always pulls, IfNotPresent pulls when the
// image is absent, Never fails with ErrImageNeverPull. A failed pull is ErrImagePull, and retries
// inside the pull back-off answer ImagePullBackOff, with the kubelet's events.
import type { Pod } from '../../api/core/v1/pod.js';
import type { Container } from '../../api/core/v1/container.js';
import type { EventRecorder } from '../../client/index.js';
import type { Clock } from '../../machinery/clock.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { Backoff } from './backoff.js';

export class ImageError extends Error {
  constructor(readonly reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName', message: string) {
    super(message);
  }
}

/** The default when the API left the policy empty: Always for :latest or untagged, else IfNotPresent. */
export function pullPolicy(c: Container): string {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const image = c.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.split('/').pop() ?? '';
  const tag = last.includes(':') ? last.split(':').pop() : '';
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export class ImageManager {
  private readonly backoff: Backoff;
  private lastFailure = new Map<string, number>();

  constructor(private readonly runtime: ContainerRuntime, private readonly clock: Clock, private readonly recorder?: EventRecorder) {
    this.backoff = new Backoff(clock);
  }

  /** The image reference to create the container with. */
  async ensure(pod: Pod, c: Container, ref: { kind: string; apiVersion: string; namespace?: string; name?: string; uid?: string; fieldPath: string }): Promise<string> {
    const image = c.image ?? '';
    if (!image) throw new ImageError('InvalidImageName', `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`);
    const policy = pullPolicy(c);
    const present = policy === 'Always' ? null : await this.runtime.imageStatus({ image });
    if (present) {
      this.recorder?.event(ref, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      return present.id || image;
    }
    if (policy === 'Never') {
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      this.recorder?.event(ref, 'Warning', 'ErrImageNeverPull', msg);
      throw new ImageError('ErrImageNeverPull', msg);
    }
    const key = `${pod.metadata.uid}_${image}`;
    const failedAt = this.lastFailure.get(key);
    if (failedAt !== undefined && this.backoff.isInBackOffSince(key, failedAt)) {
      this.recorder?.event(ref, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
      throw new ImageError('ImagePullBackOff', `Back-off pulling image "${image}"`);
    }
    this.recorder?.event(ref, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const started = this.clock.now();
    try {
      const id = await this.runtime.pullImage({ image });
      const took = (this.clock.now() - started) / 1000;
      this.recorder?.event(ref, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${took}s`);
      this.lastFailure.delete(key);
      return id || image;
    } catch (err) {
      this.backoff.next(key, this.clock.now());
      this.lastFailure.set(key, this.clock.now());
      const msg = `Failed to pull image "${image}": ${(err as Error).message}`;
      this.recorder?.event(ref, 'Warning', 'Failed', msg);
      this.recorder?.event(ref, 'Warning', 'Failed', 'Error: ErrImagePull');
      throw new ImageError('ErrImagePull', msg);
    }
  }

  forget(uid: string): void {
    this.backoff.forget(`${uid}_`);
    for (const k of this.lastFailure.keys()) if (k.startsWith(`${uid}_`)) this.lastFailure.delete(k);
  }
}

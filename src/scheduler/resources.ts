// Resource arithmetic on plain numbers: quantities are parsed once (cached by their text) into
// millicores for cpu and whole units for everything else, so a filter over 5,000 nodes compares
// numbers, not Quantity objects. Pod requests are counted as Kubernetes counts them
// (k8s.io/component-helpers/resource PodRequests): the larger of the containers' sum and each init
// container's request (sidecar init containers stay running, so they add to both), plus overhead.
import { Quantity } from '../machinery/quantity.js';
import type { Container, Pod, ResourceList } from './types.js';

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const EPHEMERAL_STORAGE = 'ephemeral-storage';
export const PODS = 'pods';

/** Requests assumed for a container that names none, so zero-request pods still spread (scoring only). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

const parsed = new Map<string, number>();

/** A quantity as a number: millicores for cpu, whole units (rounded up) for the rest. */
export function quantityValue(name: string, q: string | number | undefined): number {
  if (q === undefined || q === null) return 0;
  const milli = name === CPU;
  const key = (milli ? 'm:' : 'v:') + String(q);
  let v = parsed.get(key);
  if (v === undefined) {
    try {
      const qty = Quantity.parse(String(q));
      v = milli ? qty.milliValue() : qty.value();
    } catch {
      v = 0;
    }
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(key, v);
  }
  return v;
}

export class Resource {
  milliCPU = 0;
  memory = 0;
  ephemeralStorage = 0;
  allowedPodNumber = 0;
  scalar: Record<string, number> = {};

  static fromList(list: ResourceList | undefined): Resource {
    const r = new Resource();
    if (list) for (const [k, v] of Object.entries(list)) r.set(k, quantityValue(k, v));
    return r;
  }

  get(name: string): number {
    switch (name) {
      case CPU: return this.milliCPU;
      case MEMORY: return this.memory;
      case EPHEMERAL_STORAGE: return this.ephemeralStorage;
      case PODS: return this.allowedPodNumber;
      default: return this.scalar[name] ?? 0;
    }
  }

  set(name: string, v: number): void {
    switch (name) {
      case CPU: this.milliCPU = v; break;
      case MEMORY: this.memory = v; break;
      case EPHEMERAL_STORAGE: this.ephemeralStorage = v; break;
      case PODS: this.allowedPodNumber = v; break;
      default: this.scalar[name] = v;
    }
  }

  /** this += sign * o */
  add(o: Resource, sign = 1): void {
    this.milliCPU += sign * o.milliCPU;
    this.memory += sign * o.memory;
    this.ephemeralStorage += sign * o.ephemeralStorage;
    this.allowedPodNumber += sign * o.allowedPodNumber;
    for (const k in o.scalar) this.scalar[k] = (this.scalar[k] ?? 0) + sign * o.scalar[k]!;
  }

  /** this = max(this, o), per resource. */
  max(o: Resource): void {
    this.milliCPU = Math.max(this.milliCPU, o.milliCPU);
    this.memory = Math.max(this.memory, o.memory);
    this.ephemeralStorage = Math.max(this.ephemeralStorage, o.ephemeralStorage);
    for (const k in o.scalar) this.scalar[k] = Math.max(this.scalar[k] ?? 0, o.scalar[k]!);
  }

  clone(): Resource {
    const r = new Resource();
    r.milliCPU = this.milliCPU;
    r.memory = this.memory;
    r.ephemeralStorage = this.ephemeralStorage;
    r.allowedPodNumber = this.allowedPodNumber;
    r.scalar = { ...this.scalar };
    return r;
  }

  isZero(): boolean {
    if (this.milliCPU || this.memory || this.ephemeralStorage) return false;
    for (const k in this.scalar) if (this.scalar[k]) return false;
    return true;
  }
}

function containerRequests(c: Container, nonZero: boolean): Resource {
  const r = Resource.fromList(c.resources?.requests);
  if (nonZero) {
    const req = c.resources?.requests;
    if (!req || req[CPU] === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (!req || req[MEMORY] === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * What a pod asks of a node. `nonZero` applies the 100m / 200Mi defaults per container (what
 * scoring uses); without it this is what the fit filter checks.
 */
export function podRequests(pod: Pod, nonZero = false): Resource {
  const sum = new Resource();
  for (const c of pod.spec.containers ?? []) sum.add(containerRequests(c, nonZero));
  const sidecars = new Resource();
  const initMax = new Resource();
  for (const c of pod.spec.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      // A sidecar keeps running beside the app containers and the init containers after it.
      sum.add(r);
      sidecars.add(r);
      const atStart = sidecars.clone();
      initMax.max(atStart);
    } else {
      const whileRunning = sidecars.clone();
      whileRunning.add(r);
      initMax.max(whileRunning);
    }
  }
  sum.max(initMax);
  if (pod.spec.overhead) sum.add(Resource.fromList(pod.spec.overhead));
  sum.allowedPodNumber = 0;
  return sum;
}

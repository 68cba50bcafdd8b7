// The event recorder: components report what they did to an object as core/v1 Events
// ("Scheduled", "FailedMount"...). As client-go's correlator does, an event identical to one
// recorded within the window (same source, object, type, reason and message) is not written again:
// the existing Event's count and lastTimestamp are bumped with a PATCH, so a crash-looping pod
// yields one Event with count 500 rather than 500 Events. Writes are queued and sent in order in
// the background; a full queue drops events rather than blocking the caller. And as its aggregator
// does, once one object collects many events of one reason with different messages inside the
// window, further ones are combined into a single "(combined from similar events): ..." Event.
import { format } from 'node:util';
import type { KubeObject } from '../api/resource.js';
import { realClock, type Clock } from '../machinery/clock.js';
import { isNotFound, resourceRef, type RestClient } from './rest.js';

export const EVENTS = resourceRef('', 'v1', 'events', true);

export type EventType = 'Normal' | 'Warning';

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface CoreEvent extends KubeObject {
  involvedObject: ObjectReference;
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string;
  lastTimestamp?: string;
  count?: number;
  type?: string;
  reportingComponent?: string;
  reportingInstance?: string;
}

export interface EventRecorderOptions {
  client: RestClient;
  /** source.component, e.g. "default-scheduler", "kubelet". */
  component: string;
  /** source.host (the node, for kubelets). */
  host?: string;
  clock?: Clock;
  /** Identical events within this window are counted on one Event (default 10 minutes). */
  windowMs?: number;
  /** Distinct events remembered for aggregation (default 4096, as client-go's LRU). */
  cacheSize?: number;
  /** Distinct messages for one object, type and reason within the window before they are combined (default 10). */
  maxSimilarMessages?: number;
  /** Writes waiting before new events are dropped (default 1000). */
  maxQueued?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  lastSeen: number;
}

/** metav1.Time: RFC 3339 in whole seconds ("2026-11-26T14:05:09Z"). */
function rfc3339(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function referenceOf(obj: KubeObject | ObjectReference): ObjectReference {
  if ('metadata' in obj && obj.metadata && typeof obj.metadata === 'object') {
    const o = obj as KubeObject;
    // Only the fields that are set, added in order (deleting the unset ones afterwards would leave
    // a slow dictionary-mode object for every event to serialize).
    const ref: ObjectReference = {};
    if (o.kind !== undefined) ref.kind = o.kind;
    if (o.metadata.namespace !== undefined) ref.namespace = o.metadata.namespace;
    if (o.metadata.name !== undefined) ref.name = o.metadata.name;
    if (o.metadata.uid !== undefined) ref.uid = o.metadata.uid;
    if (o.apiVersion !== undefined) ref.apiVersion = o.apiVersion;
    if (o.metadata.resourceVersion !== undefined) ref.resourceVersion = o.metadata.resourceVersion;
    return ref;
  }
  return obj as ObjectReference;
}

interface Pending {
  ref: ObjectReference;
  type: EventType;
  reason: string;
  message: string;
  at: number;
}

export class EventRecorder {
  private readonly clock: Clock;
  private readonly windowMs: number;
  private readonly cacheSize: number;
  private readonly maxQueued: number;
  private seen = new Map<string, Seen>();
  private similar = new Map<string, { last: number; messages: Set<string> }>();
  private readonly maxSimilar: number;
  /** Events waiting to be written, oldest first; one loop (draining) writes them in order. */
  private pending: Pending[] = [];
  private draining: Promise<void> | null = null;
  private queued = 0;
  private seq = 0;
  private stopped = false;
  /** Events dropped because the queue was full or the recorder stopped. */
  dropped = 0;

  constructor(private readonly o: EventRecorderOptions) {
    this.clock = o.clock ?? realClock;
    this.windowMs = o.windowMs ?? 10 * 60_000;
    this.cacheSize = o.cacheSize ?? 4096;
    this.maxQueued = o.maxQueued ?? 1000;
    this.maxSimilar = o.maxSimilarMessages ?? 10;
  }

  event(obj: KubeObject | ObjectReference, type: EventType, reason: string, message: string): void {
    if (this.stopped || this.queued >= this.maxQueued) {
      this.dropped++;
      return;
    }
    this.queued++;
    this.pending.push({ ref: referenceOf(obj), type, reason, message, at: this.clock.now() });
    this.draining ??= this.drain();
  }

  /** Writes queued events one at a time, in order, until none are left. */
  private async drain(): Promise<void> {
    // Started from event(): the caller goes on before the first write begins.
    await undefined;
    for (let e = this.pending.shift(); e; e = this.pending.shift()) {
      try {
        await this.write(e.ref, e.type, e.reason, e.message, e.at);
      } catch (err) {
        this.o.log?.('failed to write event', { namespace: e.ref.namespace, name: e.ref.name, reason: e.reason, err: (err as Error)?.message ?? String(err) });
      } finally {
        this.queued--;
      }
    }
    this.draining = null;
  }

  eventf(obj: KubeObject | ObjectReference, type: EventType, reason: string, fmt: string, ...args: unknown[]): void {
    this.event(obj, type, reason, format(fmt, ...args));
  }

  /** Resolves when every event recorded so far has been written (or failed). */
  flush(): Promise<void> {
    return this.draining ?? Promise.resolve();
  }

  /** Stops accepting events and waits for queued ones. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.flush();
  }

  private async write(ref: ObjectReference, type: EventType, reason: string, message: string, at: number): Promise<void> {
    const { client, component, host } = this.o;
    const similar = JSON.stringify([component, host ?? '', ref.kind, ref.namespace, ref.name, ref.uid, ref.apiVersion, type, reason]);
    let key = JSON.stringify([similar, message]);
    if (this.isSpammy(similar, message, at)) {
      // Many different messages for one object and reason: one combined Event, counted.
      key = similar;
      message = `(combined from similar events): ${message}`;
    }
    const now = rfc3339(at);
    const prior = this.seen.get(key);
    if (prior && at - prior.lastSeen <= this.windowMs) {
      const count = prior.count + 1;
      try {
        await client.patch(EVENTS, prior.name, 'strategic', { count, lastTimestamp: now, message }, { namespace: prior.namespace });
        this.remember(key, { ...prior, count, lastSeen: at });
        return;
      } catch (err) {
        // The Event was deleted (TTL, someone): start a new one.
        if (!isNotFound(err)) throw err;
      }
    }
    // Events about cluster-scoped objects (nodes) live in "default", as in Kubernetes.
    const namespace = ref.namespace || 'default';
    const name = `${ref.name ?? 'unknown'}.${this.uniqueSuffix(at)}`;
    const ev: CoreEvent = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason, message, type,
      source: host ? { component, host } : { component },
      firstTimestamp: now, lastTimestamp: now, count: 1,
      reportingComponent: component, reportingInstance: host ?? '',
    };
    const created = await client.create<CoreEvent>(EVENTS, ev, { namespace });
    this.remember(key, { name: created.metadata.name ?? name, namespace, count: 1, firstTimestamp: now, lastSeen: at });
  }

  /** client-go's EventAggregator: the maxSimilar-th distinct message within the window and later ones are combined. */
  private isSpammy(similar: string, message: string, at: number): boolean {
    let rec = this.similar.get(similar);
    if (!rec || at - rec.last > this.windowMs) rec = { last: at, messages: new Set() };
    rec.last = at;
    rec.messages.add(message);
    this.similar.delete(similar);
    this.similar.set(similar, rec);
    while (this.similar.size > this.cacheSize) this.similar.delete(this.similar.keys().next().value as string);
    return rec.messages.size >= this.maxSimilar;
  }

  /** client-go names events "<object>.<unix nanoseconds in hex>"; a counter keeps same-millisecond names apart. */
  private uniqueSuffix(at: number): string {
    return (BigInt(at) * 1_000_000n + BigInt(this.seq++ % 1_000_000)).toString(16);
  }

  private remember(key: string, s: Seen): void {
    this.seen.delete(key);
    this.seen.set(key, s);
    while (this.seen.size > this.cacheSize) this.seen.delete(this.seen.keys().next().value as string);
  }
}

// The Store over a real etcd (v3 API, via the `etcd3` client's raw gRPC services).
//
// Revisions are etcd's own: header revision, create_revision, mod_revision, version. Writes are
// single transactions (create: create_revision == 0; update/delete: mod_revision == expected), so
// a failed precondition changes nothing and the failure branch reads the current value back in the
// same round trip. Every unary call carries a deadline, so an unreachable etcd yields
// 'Unavailable' rather than a hang. etcd must run with --max-request-bytes above 1.5 MiB plus key
// and framing (the test harness uses 2 MiB) for the largest allowed values to fit.
import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen, isBrokenCircuitError, retry } from 'cockatiel';
import { isRecoverableError, GRPCDeadlineExceededError, Etcd3, type IKeyValue, type IRangeResponse, type ITxnResponse, type CallContext } from 'etcd3';
import { realClock, type Clock } from '../../machinery/clock.js';
import {
  DEFAULT_COMPACTION_RETENTION_MS,
  StoreError,
  type GetOptions,
  type GetResult,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type Watch,
  type WatchHandlers,
  type WriteOptions,
} from '../types.js';
import { assertValidKey, assertValidTtl, assertValidValue } from '../validate.js';
import { Compactor } from './compactor.js';
import { rev, toKeyValue, toStoreError } from './convert.js';
import { KeyCodec } from './keys.js';
import { LeaseManager } from './leases.js';
import { EtcdWatch } from './watch.js';

export interface EtcdStoreOptions {
  /** Client URLs or host:port of the members, e.g. ["http://127.0.0.1:2379"]. */
  endpoints: string[];
  /** Prepended to every key, so several clusters can share one etcd (e.g. "/cluster-a"). */
  prefix?: string;
  /** How long openEtcdStore waits for etcd to answer before failing with 'Unavailable'. */
  dialTimeoutMs?: number;
  /** Deadline of every request (reads, writes, lease grants, compactions). */
  requestTimeoutMs?: number;
  /** Automatic compaction period; history of at least this long is kept. 0 turns it off. */
  compactionIntervalMs?: number;
  /** Undelivered events a watcher may accumulate before it is ended with 'WatcherTooSlow'. */
  watchBufferEvents?: number;
  /** How long a watch keeps re-opening a broken stream before it ends with 'Unavailable'. */
  watchReconnectMs?: number;
  /** Keys fetched per etcd range request when listing (lists larger than this are paged). */
  listPageSize?: number;
  clock?: Clock;
  /** Where background failures (automatic compaction) are reported. Default: stderr. */
  onBackgroundError?: (err: StoreError) => void;
}

/** etcd keeps no readable record of its compaction point, so the store keeps one. Compaction is
 *  etcd-wide, so this key is shared by every prefix; it starts with NUL so no Store key can be it. */
const COMPACT_KEY = Buffer.from('\u0000k8ts/compact-revision');
const padRevision = (n: number) => String(n).padStart(20, '0');

export async function openEtcdStore(opts: EtcdStoreOptions): Promise<Store> {
  if (!opts.endpoints?.length) throw new StoreError('Unavailable', 'openEtcdStore: no etcd endpoints given');
  const store = new EtcdStore(opts);
  try {
    await store.start(opts.dialTimeoutMs ?? 5000);
  } catch (err) {
    await store.close();
    throw toStoreError(err, `connecting to etcd at ${opts.endpoints.join(',')}`);
  }
  return store;
}

/**
 * How calls survive a member going away: each member is guarded by a circuit breaker that opens
 * after 3 consecutive failures and lets a trial call through after 1 s; a call that failed fast
 * (connection refused, no leader during an election, every breaker open at once) is retried on
 * other members with backoff (50 ms doubling to 500 ms, ~2 s in all). A call that ran into its
 * deadline is not retried: the cluster is not answering in time, and the caller hears Unavailable
 * within its deadline. The library's defaults (3 tries, breakers open 5 s) failed calls outright
 * during the seconds of a leader election after the leader died.
 */
export function etcdFaultHandling() {
  const retryable = (err: Error) => !(err instanceof GRPCDeadlineExceededError) && !/deadline exceeded/i.test(err.message)
    && (isRecoverableError(err) || isBrokenCircuitError(err) || /circuit breaker is open/i.test(err.message));
  return {
    host: () => circuitBreaker(handleWhen(isRecoverableError), { halfOpenAfter: 1_000, breaker: new ConsecutiveBreaker(3) }),
    global: retry(handleWhen(retryable), { maxAttempts: 8, backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 500 }) }),
  };
}

class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly keys: KeyCodec;
  private readonly clock: Clock;
  private readonly leases: LeaseManager;
  private readonly watches = new Set<EtcdWatch>();
  private readonly requestTimeoutMs: number;
  private readonly listPageSize: number;
  private compactor: Compactor | null = null;
  private knownCompactRevision = 0;
  private closed = false;

  constructor(private readonly opts: EtcdStoreOptions) {
    this.clock = opts.clock ?? realClock;
    this.keys = new KeyCodec(opts.prefix ?? '');
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.listPageSize = opts.listPageSize ?? 10_000;
    this.client = new Etcd3({
      hosts: opts.endpoints.map((e) => e.replace(/^https?:\/\//, '')),
      grpcOptions: {
        // Big lists come back in one message (10,000 × 1 KiB is ~11 MB; gRPC's default is 4 MiB).
        'grpc.max_receive_message_length': 2 ** 31 - 1,
        // Notice a silently dead member (no RST) on long-lived watch streams.
        'grpc.keepalive_time_ms': 10_000,
        'grpc.keepalive_timeout_ms': 5_000,
      },
      faultHandling: etcdFaultHandling(),
      defaultCallOptions: (ctx: CallContext) =>
        ctx.isStream ? {} : { deadline: new Date(Date.now() + this.requestTimeoutMs) },
    });
    this.leases = new LeaseManager(this.client.leaseClient, this.clock);
  }

  async start(dialTimeoutMs: number): Promise<void> {
    const res = await this.client.kv.range({ key: COMPACT_KEY }, { deadline: new Date(Date.now() + dialTimeoutMs) });
    this.noteCompactKey(res);
    const interval = this.opts.compactionIntervalMs ?? DEFAULT_COMPACTION_RETENTION_MS;
    if (interval > 0) {
      const report =
        this.opts.onBackgroundError ??
        ((err: StoreError) =>
          process.stderr.write(JSON.stringify({ level: 'error', msg: 'etcd compaction failed', err: err.message }) + '\n'));
      this.compactor = new Compactor(this, this.clock, interval, (err) => report(toStoreError(err, 'compacting etcd')));
      this.compactor.start();
    }
  }

  async get(key: string, opts: GetOptions = {}): Promise<GetResult> {
    this.checkOpen();
    assertValidKey(key);
    const res = await this.call('get', () =>
      this.client.kv.range({ key: this.keys.encode(key), revision: opts.revision ?? 0 }),
    );
    const raw = res.kvs[0];
    const kv = raw ? (await this.toKvs([raw]))[0]! : null;
    return { kv, revision: opts.revision || rev(res.header.revision) };
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const { key: prefixStart, rangeEnd } = this.keys.range(prefix);
    let start = prefixStart;
    if (opts.startAfter !== undefined) {
      const after = this.keys.after(opts.startAfter);
      if (Buffer.compare(after, start) > 0) start = after;
    }
    let atRevision = opts.revision ?? 0;
    let remaining = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const raws: IKeyValue[] = [];
    let more = false;
    // Pages are read at one revision (the first page's), so the result is one snapshot.
    for (;;) {
      const pageSize = Math.min(remaining, this.listPageSize);
      const res = await this.call('list', () =>
        this.client.kv.range({ key: start, range_end: rangeEnd, limit: pageSize, revision: atRevision }),
      );
      if (atRevision === 0) atRevision = rev(res.header.revision);
      raws.push(...res.kvs);
      remaining -= res.kvs.length;
      more = res.more;
      if (!more || remaining <= 0 || res.kvs.length === 0) break;
      start = Buffer.concat([res.kvs[res.kvs.length - 1]!.key, Buffer.from([0])]);
    }
    return { kvs: await this.toKvs(raws), revision: atRevision, more };
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    const { key, rangeEnd } = this.keys.range(prefix);
    const res = await this.call('count', () => this.client.kv.range({ key, range_end: rangeEnd, count_only: true }));
    return Number(res.count);
  }

  async create(key: string, value: Buffer, opts: WriteOptions = {}): Promise<KeyValue> {
    this.checkOpen();
    this.validateWrite(key, value, opts);
    const k = this.keys.encode(key);
    const lease = await this.leaseFor(opts.ttlSeconds);
    const res = await this.call(`create ${key}`, () =>
      this.client.kv.txn({
        compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key: k, value, lease } }],
        failure: [{ request_range: { key: k } }],
      }),
    );
    if (!res.succeeded) {
      const current = await this.currentFromFailure(res);
      throw new StoreError('Exists', `key ${key} already exists`, current);
    }
    const r = rev(res.header.revision);
    return withTtl({ key, value, createRevision: r, modRevision: r, version: 1 }, opts.ttlSeconds);
  }

  async update(key: string, value: Buffer, expectedModRevision: number, opts: WriteOptions = {}): Promise<KeyValue> {
    this.checkOpen();
    this.validateWrite(key, value, opts);
    const k = this.keys.encode(key);
    const lease = await this.leaseFor(opts.ttlSeconds);
    const res = await this.call(`update ${key}`, () =>
      this.client.kv.txn({
        compare: [
          { key: k, target: 'Version', result: 'Greater', version: 0 },
          { key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision },
        ],
        success: [{ request_put: { key: k, value, lease, prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      }),
    );
    if (!res.succeeded) throw await this.preconditionFailed(res, key, expectedModRevision);
    const prev = res.responses[0]!.response_put.prev_kv;
    const r = rev(res.header.revision);
    return withTtl(
      { key, value, createRevision: rev(prev.create_revision), modRevision: r, version: rev(prev.version) + 1 },
      opts.ttlSeconds,
    );
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.checkOpen();
    assertValidKey(key);
    const k = this.keys.encode(key);
    const compare: NonNullable<Parameters<Etcd3['kv']['txn']>[0]['compare']> = [
      { key: k, target: 'Version', result: 'Greater', version: 0 },
    ];
    if (expectedModRevision !== undefined) {
      compare.push({ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision });
    }
    const res = await this.call(`delete ${key}`, () =>
      this.client.kv.txn({
        compare,
        success: [{ request_delete_range: { key: k, prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      }),
    );
    if (!res.succeeded) throw await this.preconditionFailed(res, key, expectedModRevision);
    return (await this.toKvs(res.responses[0]!.response_delete_range.prev_kvs))[0]!;
  }

  watch(prefix: string, afterRevision: number, handlers: WatchHandlers): Watch {
    if (this.closed) {
      queueMicrotask(() => handlers.onError(new StoreError('Closed', 'the store is closed')));
      return { cancel() {} };
    }
    if (!Number.isInteger(afterRevision) || afterRevision < 0) {
      queueMicrotask(() =>
        handlers.onError(new StoreError('InvalidKey', `watch revision ${afterRevision} is not a non-negative integer`)),
      );
      return { cancel() {} };
    }
    const w = new EtcdWatch(
      {
        client: this.client.watchClient,
        keys: this.keys,
        clock: this.clock,
        toKv: (kv) => toKeyValue(kv, this.keys, (id) => this.leases.ttlOf(id)),
        knownCompactRevision: () => this.knownCompactRevision,
        sawCompactRevision: (r) => {
          this.knownCompactRevision = Math.max(this.knownCompactRevision, r);
        },
        maxBufferedEvents: this.opts.watchBufferEvents ?? 10_000,
        reconnectDeadlineMs: this.opts.watchReconnectMs ?? 15_000,
        onEnded: (ended) => this.watches.delete(ended),
      },
      prefix,
      afterRevision,
      handlers,
    );
    this.watches.add(w);
    return w;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (revision <= this.knownCompactRevision) return;
    try {
      // physical: return only once the old revisions are really gone, so reads after this fail.
      await this.client.kv.compact({ revision, physical: true });
    } catch (err) {
      const e = toStoreError(err, `compact to revision ${revision}`);
      if (e.code !== 'Compacted') throw e; // Compacted: someone already compacted past it.
      await this.compactRevision();
      return;
    }
    this.knownCompactRevision = Math.max(this.knownCompactRevision, revision);
    await this.call('record compaction', async () => {
      const value = Buffer.from(padRevision(revision));
      // Keys compare as bytes and the value is zero-padded, so "Less" is numeric: never move it back.
      const created = await this.client.kv.txn({
        compare: [{ key: COMPACT_KEY, target: 'Version', result: 'Equal', version: 0 }],
        success: [{ request_put: { key: COMPACT_KEY, value } }],
      });
      if (!created.succeeded) {
        await this.client.kv.txn({
          compare: [{ key: COMPACT_KEY, target: 'Value', result: 'Less', value }],
          success: [{ request_put: { key: COMPACT_KEY, value } }],
        });
      }
    });
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    const res = await this.call('read revision', () => this.client.kv.range({ key: COMPACT_KEY, keys_only: true }));
    return rev(res.header.revision);
  }

  async compactRevision(): Promise<number> {
    this.checkOpen();
    const res = await this.call('read compaction point', () => this.client.kv.range({ key: COMPACT_KEY }));
    this.noteCompactKey(res);
    return this.knownCompactRevision;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.compactor?.stop();
    for (const w of [...this.watches]) w.end(new StoreError('Closed', 'the store was closed'));
    this.client.close();
  }

  // --- helpers ---

  private checkOpen(): void {
    if (this.closed) throw new StoreError('Closed', 'the store is closed');
  }

  private validateWrite(key: string, value: Buffer, opts: WriteOptions): void {
    assertValidKey(key);
    assertValidValue(value);
    assertValidTtl(opts.ttlSeconds);
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toStoreError(this.closed ? Object.assign(new Error('closed'), { name: 'ClientClosedError' }) : err, what);
    }
  }

  private async leaseFor(ttlSeconds: number | undefined): Promise<string | number> {
    if (!ttlSeconds) return 0;
    return this.call(`grant a ${ttlSeconds}s lease`, () => this.leases.leaseFor(ttlSeconds));
  }

  private noteCompactKey(res: IRangeResponse): void {
    const v = res.kvs[0]?.value;
    if (v) this.knownCompactRevision = Math.max(this.knownCompactRevision, Number(v.toString()));
  }

  /** Converts, first asking etcd the TTL of leases this store did not grant itself. */
  private async toKvs(raws: IKeyValue[]): Promise<KeyValue[]> {
    const unknown = new Set<string>();
    for (const r of raws) if (r.lease && r.lease !== '0' && this.leases.ttlOf(r.lease) === undefined) unknown.add(r.lease);
    for (const id of unknown) {
      try {
        const t = await this.client.leaseClient.leaseTimeToLive({ ID: id });
        if (Number(t.grantedTTL) > 0) this.leases.rememberGranted(id, Number(t.grantedTTL));
      } catch {
        // The TTL is informative only; a key whose lease cannot be read is returned without it.
      }
    }
    return raws.map((r) => toKeyValue(r, this.keys, (id) => this.leases.ttlOf(id)));
  }

  private async currentFromFailure(res: ITxnResponse): Promise<KeyValue | null> {
    const kvs = res.responses[0]?.response_range?.kvs ?? [];
    return kvs.length ? (await this.toKvs(kvs))[0]! : null;
  }

  private async preconditionFailed(res: ITxnResponse, key: string, expected: number | undefined): Promise<StoreError> {
    const current = await this.currentFromFailure(res);
    if (!current) return new StoreError('NotFound', `key ${key} not found`, null);
    return new StoreError(
      'Conflict',
      `key ${key} was modified at revision ${current.modRevision}; the write expected revision ${expected}`,
      current,
    );
  }
}

function withTtl(kv: KeyValue, ttlSeconds: number | undefined): KeyValue {
  if (ttlSeconds) kv.ttlSeconds = ttlSeconds;
  return kv;
}

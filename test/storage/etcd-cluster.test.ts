// The etcd Store over a 3-member cluster survives losing a member — the leader, the hardest case
// (an election follows): writes and reads keep succeeding and an open watch delivers every write,
// with no gap and no repeat (it may end with an error the consumer resumes from).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Etcd3 } from 'etcd3';
import { openEtcdStore } from '../../src/storage/etcd/index.js';
import { isStoreError, type Store, type StoreError, type WatchEvent } from '../../src/storage/types.js';
import { startEtcd, type EtcdCluster } from '../helpers/etcd.js';
import { until } from './conformance.js';

/** Index of the member that is the raft leader, asked of each member directly. */
async function leaderIndex(cluster: EtcdCluster): Promise<number> {
  for (let i = 0; i < cluster.members.length; i++) {
    const client = new Etcd3({ hosts: cluster.members[i]!.clientUrl.replace('http://', '') });
    try {
      const s = await client.maintenance.status({ deadline: new Date(Date.now() + 3000) });
      if (s.leader === s.header.member_id) return i;
    } finally {
      client.close();
    }
  }
  throw new Error('no member reports itself leader');
}

/** The write, retried while the cluster elects a new leader: Unavailable is the only failure
 *  a caller may see, and never for longer than the election. */
async function retryUnavailable<T>(what: string, fn: () => Promise<T>, ms = 15_000): Promise<{ value: T; retries: number }> {
  const deadline = Date.now() + ms;
  let retries = 0;
  for (;;) {
    try {
      return { value: await fn(), retries };
    } catch (err) {
      if (!isStoreError(err, 'Unavailable') || Date.now() > deadline) throw err;
      retries++;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('etcd Store on a 3-member cluster', () => {
  let cluster: EtcdCluster;
  let store: Store;

  before(async () => {
    cluster = await startEtcd({ members: 3 });
    store = await openEtcdStore({ endpoints: cluster.endpoints, prefix: '/ha', requestTimeoutMs: 5_000 });
  });
  after(async () => {
    await store?.close();
    await cluster?.stop();
  });

  it('keeps writing, reading and watching when the leader is killed', async () => {
    const start = await store.currentRevision();
    const seen: WatchEvent[] = [];
    const errors: StoreError[] = [];
    let watch = store.watch('/w/', start, {
      onEvents: (evs) => void seen.push(...evs),
      onError: (err) => void errors.push(err),
    });
    const written: number[] = [];
    for (let i = 0; i < 20; i++) written.push((await store.create(`/w/before-${i}`, Buffer.from(`v${i}`))).modRevision);
    await until(() => seen.length >= 20, '20 events before the kill');

    const leader = await leaderIndex(cluster);
    await cluster.killMember(leader);
    assert.equal(cluster.members[leader]!.running, false);

    let retried = 0;
    for (let i = 0; i < 50; i++) {
      const { value, retries } = await retryUnavailable(`write ${i}`, () => store.create(`/w/after-${i}`, Buffer.from(`v${i}`)));
      retried += retries;
      written.push(value.modRevision);
      // If the watch ended (it may, with an error), resume from the last revision it delivered.
      if (errors.length > 0) {
        const err = errors.shift()!;
        assert.ok(['Unavailable'].includes(err.code), `watch ended with ${err.code}: ${err.message}`);
        const from = seen.at(-1)?.kv.modRevision ?? start;
        watch = store.watch('/w/', from, {
          onEvents: (evs) => void seen.push(...evs),
          onError: (e) => void errors.push(e),
        });
      }
    }
    // Reads are served by the surviving majority.
    const { value: list } = await retryUnavailable('list', () => store.list('/w/'));
    assert.equal(list.kvs.length, 70);
    const { value: got } = await retryUnavailable('get', () => store.get('/w/after-49'));
    assert.equal(got.kv?.value.toString(), 'v49');

    await until(() => seen.length >= written.length || errors.length > 0, `${written.length} watch events`, 20_000);
    watch.cancel();
    assert.deepEqual(errors, []);
    assert.deepEqual(
      seen.map((e) => e.kv.modRevision),
      written,
      'the watch saw every write once, in order',
    );
    // Informational: how many writes had to be retried during the election.
    process.stdout.write(`# writes retried during the election: ${retried}\n`);
  });

  it('reports Unavailable (not a hang) once a majority is gone', async () => {
    const alive = cluster.members.map((m, i) => (m.running ? i : -1)).filter((i) => i >= 0);
    await cluster.killMember(alive[0]!);
    const t0 = Date.now();
    await assert.rejects(store.create('/w/no-quorum', Buffer.from('x')), (err) => isStoreError(err, 'Unavailable'));
    assert.ok(Date.now() - t0 < 15_000, 'failed within the request deadline');
  });
});

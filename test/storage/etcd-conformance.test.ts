// The Store contract against a real etcd (single member, started for this file by the harness).
import { after } from 'node:test';
import { openEtcdStore } from '../../src/storage/etcd/index.js';
import { startEtcd, type EtcdCluster } from '../helpers/etcd.js';
import { runStoreConformance } from './conformance.js';

const clusters: EtcdCluster[] = [];
after(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
});

runStoreConformance('etcd', async () => {
  const cluster = await startEtcd();
  clusters.push(cluster);
  try {
    // A prefix, as a cluster sharing the etcd would use; a small watch buffer keeps the
    // slow-watcher test short.
    const store = await openEtcdStore({ endpoints: cluster.endpoints, prefix: '/k8ts-conformance', watchBufferEvents: 1000 });
    return {
      store,
      async cleanup() {
        await store.close();
        await cluster.stop();
      },
    };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
});

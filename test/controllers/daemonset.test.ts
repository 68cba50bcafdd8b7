// The DaemonSet controller against a real API server: a pod per eligible node pinned by node
// affinity, nodes joining and leaving eligibility (labels, taints), default tolerations, status,
// and a rolling update of the template.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/core/v1/pod.js';
import type { DaemonSet } from '../../src/api/apps/v1/types.js';
import type { RestClient } from '../../src/client/rest.js';
import { createDaemonSetController } from '../../src/controllers/daemonset/index.js';
import { DAEMON_SETS, NODES } from '../../src/controllers/workload/resources.js';
import { startWorkloadBench, eventually, activePods, playKubelet, eventsFor, ns } from './workload-harness.js';

async function addNode(c: RestClient, name: string, labels: Record<string, string> = {}, taints: { key: string; value?: string; effect: string }[] = []): Promise<void> {
  await c.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { taints } });
}

const nodeOf = (p: Pod) => p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];
const podNodes = async (c: RestClient, sel: string) => (await activePods(c, sel)).map(nodeOf).sort();
const getDS = (c: RestClient, name: string) => c.get<DaemonSet>(DAEMON_SETS, name, { namespace: ns });

function daemonSet(name: string, image: string, extra: Record<string, unknown> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace: ns },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'agent', image }], ...extra } } },
  } as DaemonSet;
}

test('a DaemonSet runs one pod per eligible node and follows nodes as they change', async () => {
  const b = await startWorkloadBench();
  try {
    await addNode(b.client, 'n1', { disk: 'ssd' });
    await addNode(b.client, 'n2', { disk: 'ssd' }, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]);
    await addNode(b.client, 'n3', { disk: 'hdd' });
    b.start(createDaemonSetController);
    const ds = await b.client.create(DAEMON_SETS, daemonSet('agent', 'agent:1', { nodeSelector: { disk: 'ssd' } }));
    await eventually(async () => (await podNodes(b.client, 'app=agent')).join() === 'n1,n2', 'pods on n1 and n2 (n2 tolerated by default)', 10_000);
    const [pod] = await activePods(b.client, 'app=agent');
    assert.equal(pod!.spec?.nodeName, undefined, 'placement is left to the scheduler');
    assert.ok(pod!.spec!.tolerations!.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute' && t.operator === 'Exists'));
    assert.ok(pod!.metadata.labels!['controller-revision-hash']);
    assert.equal(pod!.metadata.labels!['pod-template-generation'], '1');
    assert.deepEqual(pod!.metadata.ownerReferences![0], { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: ds.metadata.uid, controller: true, blockOwnerDeletion: true });
    await eventually(async () => {
      const s = (await getDS(b.client, 'agent')).status;
      return s?.desiredNumberScheduled === 2 && s.currentNumberScheduled === 2 && s.updatedNumberScheduled === 2 && s.numberMisscheduled === 0 && s.observedGeneration === 1;
    }, 'status 2/2', 10_000);

    // A new eligible node gets a pod; relabelling n3 makes it eligible too.
    await addNode(b.client, 'n4', { disk: 'ssd' });
    await b.client.patch(NODES, 'n3', 'merge', { metadata: { labels: { disk: 'ssd' } } });
    await eventually(async () => (await podNodes(b.client, 'app=agent')).join() === 'n1,n2,n3,n4', 'pods on n1..n4', 10_000);

    // NoSchedule: the running pod stays (misscheduled); NoExecute: it is evicted.
    await b.client.patch(NODES, 'n3', 'merge', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } });
    await eventually(async () => (await getDS(b.client, 'agent')).status?.numberMisscheduled === 1, 'n3 misscheduled', 10_000);
    assert.equal((await podNodes(b.client, 'app=agent')).join(), 'n1,n2,n3,n4');
    await b.client.patch(NODES, 'n4', 'merge', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] } });
    await eventually(async () => (await podNodes(b.client, 'app=agent')).join() === 'n1,n2,n3', 'n4 pod evicted', 10_000);
    // A node that goes away, or stops matching, loses its pod.
    await b.client.patch(NODES, 'n1', 'merge', { metadata: { labels: { disk: 'hdd' } } });
    await eventually(async () => (await podNodes(b.client, 'app=agent')).join() === 'n2,n3', 'n1 pod deleted', 10_000);
    await eventually(async () => {
      const s = (await getDS(b.client, 'agent')).status;
      return s?.desiredNumberScheduled === 1 && s.currentNumberScheduled === 1 && s.numberMisscheduled === 1;
    }, 'status: 1 desired (n2), 1 misscheduled (n3)', 10_000);
    const events = await eventsFor(b.client, ds);
    assert.ok(events.some((e) => e.reason === 'SuccessfulCreate' && /^Created pod: agent-/.test(e.message!)));
    assert.ok(events.some((e) => e.reason === 'SuccessfulDelete' && /^Deleted pod: agent-/.test(e.message!)));
  } finally {
    await b.stop();
  }
});

test('a DaemonSet counts ready pods and rolls a new template out node by node', async () => {
  const b = await startWorkloadBench();
  const stopKubelet = playKubelet(b.client, 'app=roll', { intervalMs: 20 });
  try {
    for (const n of ['a', 'b', 'c']) await addNode(b.client, n);
    b.start(createDaemonSetController);
    await b.client.create(DAEMON_SETS, daemonSet('roll', 'agent:1'));
    await eventually(async () => (await getDS(b.client, 'roll')).status?.numberReady === 3 && (await getDS(b.client, 'roll')).status?.numberAvailable === 3, '3 ready', 10_000);
    let maxDown = 0;
    let done = false;
    const watching = (async () => {
      while (!done) {
        const s = (await getDS(b.client, 'roll')).status;
        maxDown = Math.max(maxDown, 3 - (s?.numberAvailable ?? 0));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await b.client.patch(DAEMON_SETS, 'roll', 'strategic', { spec: { template: { spec: { containers: [{ name: 'agent', image: 'agent:2' }] } } } }, { namespace: ns });
    await eventually(async () => {
      const pods = await activePods(b.client, 'app=roll');
      const s = (await getDS(b.client, 'roll')).status;
      return pods.length === 3 && pods.every((p) => p.spec?.containers?.[0]?.image === 'agent:2') && s?.updatedNumberScheduled === 3 && s.numberAvailable === 3;
    }, 'agent:2 everywhere', 20_000);
    done = true;
    await watching;
    assert.ok(maxDown <= 1, `at most maxUnavailable (1) node without an available pod, saw ${maxDown}`);
  } finally {
    await stopKubelet();
    await b.stop();
  }
});

// Node IPAM (Kubernetes' range allocator): every node gets spec.podCIDR (and podCIDRs) from the
// cluster CIDR, one /maskSize each. Before allocating anything the allocator is rebuilt from the
// CIDRs existing nodes already hold, so a restart never hands one out twice; a deleted node's CIDR
// is released for reuse.
import type { KubeObject } from '../../api/resource.js';
import { isNotFound } from '../../client/rest.js';
import { DeletedFinalStateUnknown } from '../../client/informer/relist.js';
import type { Controller, ControllerContext } from '../context.js';
import { newQueue, queueController } from '../base/queue-controller.js';
import { NODES } from '../base/resources.js';
import type { NodeLike } from '../nodelifecycle/taints.js';
import { CidrSet } from './cidr-set.js';

export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';
export const DEFAULT_NODE_MASK_SIZE = 24;

export function createNodeIpamController(ctx: ControllerContext): Controller {
  const name = 'nodeipam';
  const queue = newQueue(ctx, name);
  const cidrs = new CidrSet(ctx.options.clusterCIDR ?? DEFAULT_CLUSTER_CIDR, ctx.options.nodeCIDRMaskSize ?? DEFAULT_NODE_MASK_SIZE);
  const nodes = ctx.informers.informerFor<NodeLike & KubeObject>(NODES);
  const recorder = ctx.recorder('cidrAllocator');
  /** node name -> what we know it holds (or was given by us and not yet seen in the cache) */
  const held = new Map<string, { uid: string; cidr: string }>();

  nodes.addEventHandler({
    onAdd: (n) => queue.add(n.metadata.name!),
    onUpdate: (_o, n) => queue.add(n.metadata.name!),
    onDelete: (n) => { const o = n instanceof DeletedFinalStateUnknown ? n.obj : n; queue.add(o.metadata.name!); },
  });

  function rebuild(): void {
    for (const n of nodes.indexer.list()) {
      const c = n.spec?.podCIDRs?.[0] ?? n.spec?.podCIDR;
      if (!c) continue;
      if (cidrs.occupy(c)) held.set(n.metadata.name!, { uid: n.metadata.uid!, cidr: c });
      else ctx.log('node podCIDR is outside the cluster CIDR; leaving it alone', { node: n.metadata.name, podCIDR: c });
    }
  }

  async function sync(nodeName: string): Promise<void> {
    const node = nodes.indexer.get(undefined, nodeName);
    const mine = held.get(nodeName);
    if (!node || (mine && mine.uid !== node.metadata.uid)) {
      // Deleted (or deleted and re-created): its subnet is free again.
      if (mine) { cidrs.release(mine.cidr); held.delete(nodeName); ctx.log('released node CIDR', { node: nodeName, podCIDR: mine.cidr }); }
      if (!node) return;
    }
    const have = node.spec?.podCIDRs?.[0] ?? node.spec?.podCIDR;
    if (have) {
      if (!held.has(nodeName) && cidrs.occupy(have)) held.set(nodeName, { uid: node.metadata.uid!, cidr: have });
      return;
    }
    // Given by us but the cache has not seen it yet: send the same one again (idempotent).
    let cidr = held.get(nodeName)?.cidr;
    if (!cidr) {
      cidr = cidrs.allocateNext();
      if (!cidr) {
        recorder.event({ kind: 'Node', name: nodeName, uid: node.metadata.uid, apiVersion: 'v1' }, 'Normal', 'CIDRNotAvailable', `Node ${nodeName} status is now: CIDRNotAvailable`);
        throw new Error(`no remaining CIDRs left to allocate in the cluster CIDR for node ${nodeName}`);
      }
      held.set(nodeName, { uid: node.metadata.uid!, cidr });
    }
    try {
      await ctx.client.patch(NODES, nodeName, 'merge', { metadata: { uid: node.metadata.uid }, spec: { podCIDR: cidr, podCIDRs: [cidr] } });
      ctx.log('allocated node CIDR', { node: nodeName, podCIDR: cidr });
    } catch (err) {
      cidrs.release(cidr);
      held.delete(nodeName);
      if (isNotFound(err)) return;
      recorder.event({ kind: 'Node', name: nodeName, uid: node.metadata.uid, apiVersion: 'v1' }, 'Warning', 'CIDRAssignmentFailed', `Node ${nodeName} status is now: CIDRAssignmentFailed`);
      throw err;
    }
  }

  return queueController({ name, ctx, queue, informers: () => [nodes], sync, onSynced: () => { rebuild(); } });
}

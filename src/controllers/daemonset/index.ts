// The DaemonSet controller: one pod per eligible node.
import type { ControllerFactory } from '../context.js';
import { DaemonSetController } from './controller.js';

export { DaemonSetController, CONTROLLER_REVISION_HASH } from './controller.js';
export { nodeShouldRunDaemonPod, daemonTolerations, pinToNode, targetNodeName } from './predicates.js';

export const createDaemonSetController: ControllerFactory = (ctx) => new DaemonSetController(ctx);

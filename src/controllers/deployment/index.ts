// The Deployment controller: ReplicaSets per pod-template revision, rolled by strategy.
import type { ControllerFactory } from '../context.js';
import { DeploymentController } from './controller.js';

export { DeploymentController } from './controller.js';
export { computeHash } from './hash.js';
export { POD_TEMPLATE_HASH, REVISION } from './util.js';

export const createDeploymentController: ControllerFactory = (ctx) => new DeploymentController(ctx);

export { createClusterRoleAggregationController, aggregate, CLUSTERROLES } from './controller.js';

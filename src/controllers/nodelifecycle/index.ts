export { createNodeLifecycleController, DEFAULT_GRACE_MS, DEFAULT_MONITOR_PERIOD_MS } from './controller.js';
export { NodeHealthTracker, unknownConditions, NODE_CONDITIONS } from './health.js';
export { evictionDecision, type EvictionDecision } from './eviction.js';
export * from './taints.js';

// The client every component other than the API server stands on (client-go's role).
export * from './rest.js';
export { ApiError, type Status } from '../machinery/errors.js';
export { loadKubeconfig, parseKubeconfig, type KubeconfigCredentials } from './kubeconfig.js';
export { WatchDroppedError, type WatchEvent, type WatchEventType, type WatchStream } from './watch.js';
export { createMergePatch, createStrategicMergePatch, deepEqual } from './patch.js';
export { WorkQueue, runWorkers, type WorkQueueOptions, type RunWorkersOptions } from './workqueue.js';
export * from './rate-limiter.js';
export { LeaderElector, runLeaderElection, LEASES, microTime, type LeaderElectionOptions, type LeaderCallbacks, type Lease, type LeaseSpec } from './leaderelection.js';
export { EventRecorder, EVENTS, referenceOf, type EventRecorderOptions, type CoreEvent, type ObjectReference, type EventType } from './events.js';
export * from './informer/index.js';

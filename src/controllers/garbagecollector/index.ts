export { createGarbageCollector } from './controller.js';
export { decide, FINALIZER_ORPHAN, FINALIZER_FOREGROUND, type GcAction, type OwnerState, type OwnerRefLike } from './decide.js';

export { createEndpointSliceController, SERVICE_NAME_LABEL, MANAGED_BY_LABEL, CONTROLLER_NAME, type EndpointSliceLike } from './controller.js';
export { desiredGroups, chunk, portsKey, MAX_ENDPOINTS_PER_SLICE, type SliceEndpoint, type SlicePort, type SliceGroup } from './desired.js';
export { SliceTracker } from './tracker.js';

export { createEndpointsController, HEADLESS_LABEL, OVER_CAPACITY_ANNOTATION, type EndpointsLike } from './controller.js';
export { desiredSubsets, MAX_ENDPOINT_ADDRESSES, type EndpointSubset, type EndpointAddress, type EndpointPort } from './subsets.js';

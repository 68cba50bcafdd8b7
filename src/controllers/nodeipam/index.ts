export { createNodeIpamController, DEFAULT_CLUSTER_CIDR, DEFAULT_NODE_MASK_SIZE } from './controller.js';
export { CidrSet, parseCIDR, formatCIDR, type ParsedCIDR } from './cidr-set.js';

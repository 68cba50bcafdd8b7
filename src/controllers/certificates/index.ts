export { createCsrApprovingController, autoApprovable, CSRS } from './approver.js';
export { createCsrSigningController } from './signer.js';
export { kubeletClientCsr, csrState } from './node-csr.js';

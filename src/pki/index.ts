// The cluster's public-key infrastructure: a CA, serving and client certificates, CSR signing.
export {
  createCa, issueServingCert, issueClientCert, createCsr, signCsr, certificateSubject, certificateSans,
  CA_VALIDITY_MS, LEAF_VALIDITY_MS, USAGE_OIDS,
  type CertKeyPair, type IssueOptions, type ServingCertSpec, type ClientCertSpec, type SignCsrOptions,
} from './certs.js';
export { ensureCa, ensureCert, staleReason, type StoredPair, type LeafSpec } from './files.js';

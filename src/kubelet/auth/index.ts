export { delegatedKubeletAuth, userFromCertificate, verifyClientCertificate, type DelegatedAuthOptions, type DelegatedKubeletAuth } from './delegated.js';

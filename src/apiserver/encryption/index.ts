// Secrets at rest: kube-apiserver's --encryption-provider-config for k8ts.
export { loadEncryptionConfig, parseEncryptionConfig, type EncryptionConfig, type ProviderConfig, type ResourceEncryption } from './config.js';
export { encryptingStore, planEncryption, resourceMatches, isStaleRead, type EncryptingStore } from './store.js';
export { reencryptAll, type ReencryptResult } from './reencrypt.js';

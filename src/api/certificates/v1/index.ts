import type { ResourceDef } from '../../resource.js';
import { certificatesigningrequests } from './csr.js';

// Every ResourceDef certificates.k8s.io/v1 serves.
export const resources: ResourceDef<any>[] = [certificatesigningrequests];

// Records who asked, where Kubernetes' strategies do it from the request's user: a
// CertificateSigningRequest's spec.username/uid/groups/extra are set by the server on create (the
// approver and signer trust them, so a client can never choose them).
import type { AdmissionPlugin } from '../auth/types.js';

export function requesterAdmission(): AdmissionPlugin {
  return {
    name: 'RequesterInfo',
    admit(a) {
      if (a.operation !== 'CREATE' || !a.obj) return;
      if (a.resource.def.group === 'certificates.k8s.io' && a.resource.def.plural === 'certificatesigningrequests') {
        const spec = (a.obj.spec ??= {}) as Record<string, unknown>;
        spec.username = a.user.username;
        if (a.user.uid) spec.uid = a.user.uid; else delete spec.uid;
        spec.groups = [...a.user.groups];
        if (a.user.extra && Object.keys(a.user.extra).length) spec.extra = a.user.extra; else delete spec.extra;
      }
    },
  };
}

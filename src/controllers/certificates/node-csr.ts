// What makes a CertificateSigningRequest a kubelet's client certificate request (Kubernetes'
// IsKubeletClientCSR): signer kube-apiserver-client-kubelet, subject CN system:node:<name> with
// exactly O=system:nodes, no SANs, and only the usages a client certificate needs.
import { x509 } from '../../pki/x509-lib.js';
import type { CertificateSigningRequest } from '../../api/certificates/v1/csr.js';
import { KUBE_APISERVER_CLIENT_KUBELET, KUBELET_SERVING } from '../../api/certificates/v1/csr.js';

const CLIENT_USAGES = new Set(['key encipherment', 'digital signature', 'client auth']);

export function requestPem(csr: CertificateSigningRequest): string {
  return Buffer.from(csr.spec?.request ?? '', 'base64').toString('utf8');
}

/** The parsed request when it is for `signer` with subject CN system:node:<name>, O exactly system:nodes. */
function nodeRequest(csr: CertificateSigningRequest, signer: string): { req: x509.Pkcs10CertificateRequest; node: string } | { reason: string } {
  if (csr.spec?.signerName !== signer) return { reason: `signer is ${csr.spec?.signerName}` };
  let req: x509.Pkcs10CertificateRequest;
  try { req = new x509.Pkcs10CertificateRequest(requestPem(csr)); } catch { return { reason: 'unparseable certificate request' }; }
  const cn = req.subjectName.getField('CN');
  const orgs = req.subjectName.getField('O');
  if (cn.length !== 1 || !cn[0]!.startsWith('system:node:')) return { reason: 'subject common name must be system:node:<name>' };
  if (orgs.length !== 1 || orgs[0] !== 'system:nodes') return { reason: 'subject organization must be exactly system:nodes' };
  return { req, node: cn[0]!.slice('system:node:'.length) };
}

/** The node name a kubelet client CSR asks for, or a reason it is not one. */
export function kubeletClientCsr(csr: CertificateSigningRequest): { node: string } | { reason: string } {
  const r = nodeRequest(csr, KUBE_APISERVER_CLIENT_KUBELET);
  if ('reason' in r) return r;
  if (r.req.extensions.some((e) => e.type === '2.5.29.17')) return { reason: 'client certificates may not have subject alternative names' };
  for (const u of csr.spec?.usages ?? []) if (!CLIENT_USAGES.has(u)) return { reason: `usage ${u} is not allowed for a client certificate` };
  return { node: r.node };
}

const SERVING_USAGES = new Set(['key encipherment', 'digital signature', 'server auth']);

/**
 * The node a kubelet serving certificate request is for (Kubernetes' kubelet-serving signer rules):
 * CN system:node:<name>, O exactly system:nodes, server auth, and only DNS names and IP addresses.
 */
export function kubeletServingCsr(csr: CertificateSigningRequest): { node: string } | { reason: string } {
  const r = nodeRequest(csr, KUBELET_SERVING);
  if ('reason' in r) return r;
  const usages = csr.spec?.usages ?? [];
  if (!usages.includes('server auth')) return { reason: 'a serving certificate needs server auth' };
  for (const u of usages) if (!SERVING_USAGES.has(u)) return { reason: `usage ${u} is not allowed for a kubelet serving certificate` };
  const sanExt = r.req.extensions.find((e) => e.type === '2.5.29.17');
  const names = sanExt ? new x509.SubjectAlternativeNameExtension(sanExt.rawData).names.items : [];
  if (!names.length) return { reason: 'a serving certificate needs DNS names or IP addresses' };
  if (names.some((n) => n.type !== 'dns' && n.type !== 'ip')) return { reason: 'only DNS names and IP addresses are allowed' };
  return { node: r.node };
}

export type CsrState = 'Pending' | 'Approved' | 'Denied' | 'Failed' | 'Issued';

export function csrState(csr: CertificateSigningRequest): CsrState {
  const conds = csr.status?.conditions ?? [];
  const has = (t: string) => conds.some((c) => c.type === t && c.status !== 'False');
  if (has('Denied')) return 'Denied';
  if (has('Failed')) return 'Failed';
  if (csr.status?.certificate) return 'Issued';
  if (has('Approved')) return 'Approved';
  return 'Pending';
}

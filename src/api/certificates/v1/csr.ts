// certificates.k8s.io/v1 CertificateSigningRequest: a PEM certificate request that a signer turns
// into a certificate once someone (or a controller) approved it. Nodes joining with a bootstrap
// token get their client certificate this way (k8s.io/api/certificates/v1; field numbers from its
// generated.proto).
import { Type, type Static, opt, req, str, int32, time, bytes, atomicList, setList, object } from '../../schema.js';
import type { KubeObject, ResourceDef } from '../../resource.js';
import { kindObject } from '../../core/v1/common.js';
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';
import { age } from '../../printers/age.js';

const NS = 'io.k8s.api.certificates.v1';

export const CSRCondition = object(`${NS}.CertificateSigningRequestCondition`, {
  type: req(1, str({ description: 'type of the condition. Known conditions are "Approved", "Denied", and "Failed".' })),
  status: req(6, str({ description: 'status of the condition, one of True, False, Unknown.' })),
  reason: opt(2, str({ description: 'reason indicates a brief reason for the request state' })),
  message: opt(3, str({ description: 'message contains a human readable message with details about the request state' })),
  lastUpdateTime: opt(4, time({ description: 'lastUpdateTime is the time of the last update to this condition' })),
  lastTransitionTime: opt(5, time({ description: 'lastTransitionTime is the time the condition last transitioned from one status to another.' })),
}, 'CertificateSigningRequestCondition describes a condition of a CertificateSigningRequest object');

export const CSRSpec = object(`${NS}.CertificateSigningRequestSpec`, {
  request: req(1, bytes({ description: 'request contains an x509 certificate signing request encoded in a "CERTIFICATE REQUEST" PEM block.' })),
  signerName: req(7, str({ description: 'signerName indicates the requested signer, and is a qualified name.' })),
  expirationSeconds: opt(8, int32({ description: 'expirationSeconds is the requested duration of validity of the issued certificate.' })),
  usages: opt(5, atomicList(str(), { description: 'usages specifies a set of key usages requested in the issued certificate.' })),
  username: opt(2, str({ description: 'username contains the name of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable.' })),
  uid: opt(3, str({ description: 'uid contains the uid of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable.' })),
  groups: opt(4, atomicList(str(), { description: 'groups contains group membership of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable.' })),
  extra: opt(6, Type.Record(Type.String(), Type.Array(Type.String()), { description: 'extra contains extra attributes of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable.' })),
}, 'CertificateSigningRequestSpec contains the certificate request.');

export const CSRStatus = object(`${NS}.CertificateSigningRequestStatus`, {
  conditions: opt(1, setList(CSRCondition, { description: 'conditions applied to the request. Known conditions are "Approved", "Denied", and "Failed".' })),
  certificate: opt(2, bytes({ description: 'certificate is populated with an issued certificate by the signer after an Approved condition is present.' })),
}, 'CertificateSigningRequestStatus contains conditions used to indicate approved/denied/failed status of the request, and the issued certificate.');

export const CSRSchema = kindObject(`${NS}.CertificateSigningRequest`, { group: 'certificates.k8s.io', version: 'v1', kind: 'CertificateSigningRequest' }, {
  spec: req(2, CSRSpec),
  status: opt(3, CSRStatus),
}, 'CertificateSigningRequest objects provide a mechanism to obtain x509 certificates by submitting a certificate signing request, and having it asynchronously approved and issued.');
export type CertificateSigningRequest = Static<typeof CSRSchema> & KubeObject;
export type CSRConditionT = Static<typeof CSRCondition>;

/** The well-known signers (k8s.io/api/certificates/v1 types.go). */
export const KUBE_APISERVER_CLIENT_KUBELET = 'kubernetes.io/kube-apiserver-client-kubelet';
export const KUBE_APISERVER_CLIENT = 'kubernetes.io/kube-apiserver-client';
export const KUBELET_SERVING = 'kubernetes.io/kubelet-serving';

const KNOWN_USAGES = ['signing', 'digital signature', 'content commitment', 'key encipherment', 'key agreement', 'data encipherment',
  'cert sign', 'crl sign', 'encipher only', 'decipher only', 'any', 'server auth', 'client auth', 'code signing', 'email protection',
  's/mime', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'timestamping', 'ocsp signing', 'microsoft sgc', 'netscape sgc'];

function validate(csr: CertificateSigningRequest): FieldError[] {
  const errs: FieldError[] = [];
  const spec = csr.spec ?? ({} as CertificateSigningRequest['spec']);
  let pem = '';
  try { pem = Buffer.from(spec.request ?? '', 'base64').toString('utf8'); } catch { /* reported below */ }
  if (!spec.request) errs.push(fieldErrors.required('spec.request', ''));
  else if (!/-----BEGIN CERTIFICATE REQUEST-----/.test(pem)) errs.push(fieldErrors.invalid('spec.request', '<omitted>', 'PEM block type must be CERTIFICATE REQUEST'));
  if (!spec.signerName) errs.push(fieldErrors.required('spec.signerName', ''));
  else if (!/^[a-z0-9.-]+\/[A-Za-z0-9._-]+$/.test(spec.signerName)) errs.push(fieldErrors.invalid('spec.signerName', spec.signerName, 'must be a fully qualified domain and path of the form \'example.com/signer-name\''));
  if (spec.expirationSeconds !== undefined && spec.expirationSeconds < 600) errs.push(fieldErrors.invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  for (const [i, u] of (spec.usages ?? []).entries()) {
    if (!KNOWN_USAGES.includes(u)) errs.push(fieldErrors.notSupported(`spec.usages[${i}]`, u, KNOWN_USAGES));
  }
  if (!spec.usages?.length) errs.push(fieldErrors.required('spec.usages', ''));
  const seen = new Set<string>();
  for (const c of csr.status?.conditions ?? []) {
    if (seen.has(c.type)) errs.push(fieldErrors.duplicate('status.conditions', c.type));
    seen.add(c.type);
  }
  const types = new Set((csr.status?.conditions ?? []).filter((c) => c.status === 'True').map((c) => c.type));
  if (types.has('Approved') && types.has('Denied')) errs.push(fieldErrors.invalid('status.conditions', 'Approved', 'Approved and Denied conditions are mutually exclusive'));
  return errs;
}

function validateUpdate(csr: CertificateSigningRequest, old: CertificateSigningRequest): FieldError[] {
  const errs = validate(csr);
  if (JSON.stringify(csr.spec) !== JSON.stringify(old.spec)) errs.push(fieldErrors.invalid('spec', '', 'field is immutable'));
  const oldCert = old.status?.certificate;
  if (oldCert && csr.status?.certificate !== oldCert) errs.push(fieldErrors.invalid('status.certificate', '<omitted>', 'updates may not modify existing certificate content'));
  return errs;
}

/** Approved, Denied, Failed, Issued — what `kubectl get csr` shows in its CONDITION column. */
export function csrConditionText(csr: CertificateSigningRequest): string {
  const parts = (csr.status?.conditions ?? []).filter((c) => c.status === 'True' || c.status === undefined).map((c) => c.type);
  if (csr.status?.certificate) parts.push('Issued');
  return parts.length ? parts.join(',') : 'Pending';
}

export const certificatesigningrequests: ResourceDef<CertificateSigningRequest> = {
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  listKind: 'CertificateSigningRequestList',
  plural: 'certificatesigningrequests',
  singular: 'certificatesigningrequest',
  namespaced: false,
  shortNames: ['csr'],
  schema: CSRSchema,
  subresources: { status: true },
  prepareForCreate(csr) {
    // Nobody approves or issues by creating: status starts empty.
    delete csr.status;
  },
  prepareForUpdate(csr, old) {
    // The main resource cannot change conditions or the certificate (approval and status subresources do).
    csr.status = old.status;
  },
  validate,
  validateUpdate,
  table: {
    columns: [
      { name: 'Age', type: 'string', priority: 0, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
      { name: 'SignerName', type: 'string', priority: 0, description: 'signerName indicates the requested signer.' },
      { name: 'Requestor', type: 'string', priority: 0, description: 'username of the user that created the request.' },
      { name: 'RequestedDuration', type: 'string', priority: 0, description: 'expirationSeconds requested.' },
      { name: 'Condition', type: 'string', priority: 0, description: 'Approved, Denied, Failed, Issued or Pending.' },
    ],
    cells: (csr, now) => [age(csr.metadata.creationTimestamp, now), csr.spec?.signerName ?? '', csr.spec?.username ?? '',
      csr.spec?.expirationSeconds ? durationText(csr.spec.expirationSeconds) : '<none>', csrConditionText(csr)],
  },
  description: 'CertificateSigningRequest objects provide a mechanism to obtain x509 certificates by submitting a certificate signing request, and having it asynchronously approved and issued.',
};

function durationText(s: number): string {
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

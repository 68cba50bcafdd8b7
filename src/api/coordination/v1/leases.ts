// coordination.k8s.io/v1 Lease: leader election and node heartbeats (k8s.io/api/coordination/v1).
import { type Static, opt, str, int32, microTime, object } from '../../schema.js';
import type { KubeObject, ResourceDef } from '../../resource.js';
import { use } from '../../meta/v1/types.js';
import { kindObject } from '../../core/v1/common.js';
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';
import { validateQualifiedName } from '../../core/v1/field-util.js';
import { age } from '../../printers/age.js';

const COORDINATION = 'io.k8s.api.coordination.v1';

export const LeaseSpec = object(`${COORDINATION}.LeaseSpec`, {
  holderIdentity: opt(1, str()),
  leaseDurationSeconds: opt(2, int32()),
  acquireTime: opt(3, microTime()),
  renewTime: opt(4, microTime()),
  leaseTransitions: opt(5, int32()),
  strategy: opt(6, str()),
  preferredHolder: opt(7, str()),
}, 'LeaseSpec is a specification of a Lease.');
export type LeaseSpec = Static<typeof LeaseSpec>;

export const LeaseSchema = kindObject(`${COORDINATION}.Lease`, { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' }, {
  spec: opt(2, use(LeaseSpec)),
}, 'Lease defines a lease concept.');
export type Lease = Static<typeof LeaseSchema> & KubeObject;

/** The one coordinated-leader-election strategy Kubernetes defines. */
export const OLDEST_EMULATION_VERSION = 'OldestEmulationVersion';

/** ValidateLeaseSpec. */
export function validateLease(l: Lease): FieldError[] {
  const errs: FieldError[] = [];
  const s = l.spec ?? {};
  if (s.leaseDurationSeconds !== undefined && s.leaseDurationSeconds <= 0) {
    errs.push(fieldErrors.invalid('spec.leaseDurationSeconds', s.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (s.leaseTransitions !== undefined && s.leaseTransitions < 0) {
    errs.push(fieldErrors.invalid('spec.leaseTransitions', s.leaseTransitions, 'must be greater than or equal to 0'));
  }
  if (s.strategy !== undefined) {
    // Kubernetes appends "strategy" to a path that already ends in it: spec.strategy.strategy.
    const path = 'spec.strategy.strategy';
    if (!s.strategy.includes('/')) {
      if (s.strategy !== OLDEST_EMULATION_VERSION) errs.push(fieldErrors.notSupported(path, s.strategy, [OLDEST_EMULATION_VERSION]));
    } else {
      errs.push(...validateQualifiedName(s.strategy, path));
    }
  }
  if (s.preferredHolder && !s.strategy) {
    errs.push(fieldErrors.forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return errs;
}

export const leases: ResourceDef<Lease> = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  listKind: 'LeaseList',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  schema: LeaseSchema,
  validate: validateLease,
  table: {
    columns: [
      { name: 'Holder', type: 'string', priority: 0, description: 'holderIdentity contains the identity of the holder of a current lease.' },
      { name: 'Age', type: 'string', priority: 0, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (l, now) => [l.spec?.holderIdentity ?? '', age(l.metadata.creationTimestamp, now)],
  },
  description: 'Lease defines a lease concept.',
};

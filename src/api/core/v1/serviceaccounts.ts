// core/v1 ServiceAccount: an identity for processes in pods, with its token secrets and pull secrets.
import { type Static, opt, bool, mergeList, atomicList } from '../../schema.js';
import type { KubeObject, ResourceDef } from '../../resource.js';
import { use } from '../../meta/v1/types.js';
import { CORE, kindObject, ObjectReference, LocalObjectReference } from './common.js';
import { age } from '../../printers/age.js';

export const ServiceAccountSchema = kindObject(`${CORE}.ServiceAccount`, { group: '', version: 'v1', kind: 'ServiceAccount' }, {
  secrets: opt(2, mergeList(use(ObjectReference), 'name')),
  imagePullSecrets: opt(3, atomicList(use(LocalObjectReference))),
  automountServiceAccountToken: opt(4, bool()),
}, 'ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral systems, for an identity * a principal that can be authenticated and authorized * a set of secrets');
export type ServiceAccount = Static<typeof ServiceAccountSchema> & KubeObject;

export const serviceaccounts: ResourceDef<ServiceAccount> = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  listKind: 'ServiceAccountList',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  schema: ServiceAccountSchema,
  table: {
    columns: [
      { name: 'Secrets', type: 'string', priority: 0, description: 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.' },
      { name: 'Age', type: 'string', priority: 0, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (sa, now) => [sa.secrets?.length ?? 0, age(sa.metadata.creationTimestamp, now)],
  },
  description: 'ServiceAccount binds together a name, understood by users, a principal that can be authenticated and authorized, and a set of secrets.',
};

// The claim template of an `ephemeral` pod volume (core/v1 PersistentVolumeClaimTemplate) and the
// claim spec it holds. Declared here because pods need it; a PersistentVolumeClaim resource should
// reuse PersistentVolumeClaimSpec from this file rather than declare a second one.
import { type Static, opt, str, quantityMap, atomicList, object } from '../../schema.js';
import { use, LabelSelector, objectMetaProp } from '../../meta/v1/types.js';
import { TypedLocalObjectReference, TypedObjectReference } from './common.js';

const CORE = 'io.k8s.api.core.v1';

export const VolumeResourceRequirements = object(`${CORE}.VolumeResourceRequirements`, {
  limits: opt(1, quantityMap()),
  requests: opt(2, quantityMap()),
}, 'VolumeResourceRequirements describes the storage resource requirements for a volume.');

export const PersistentVolumeClaimSpec = object(`${CORE}.PersistentVolumeClaimSpec`, {
  accessModes: opt(1, atomicList(str())),
  selector: opt(4, use(LabelSelector)),
  resources: opt(2, use(VolumeResourceRequirements)),
  volumeName: opt(3, str()),
  storageClassName: opt(5, str()),
  volumeMode: opt(6, str()),
  dataSource: opt(7, use(TypedLocalObjectReference)),
  dataSourceRef: opt(8, use(TypedObjectReference)),
  volumeAttributesClassName: opt(9, str()),
}, 'PersistentVolumeClaimSpec describes the common attributes of storage devices and allows a Source for provider-specific attributes');
export type PersistentVolumeClaimSpec = Static<typeof PersistentVolumeClaimSpec>;

export const PersistentVolumeClaimTemplate = object(`${CORE}.PersistentVolumeClaimTemplate`, {
  metadata: objectMetaProp(),
  spec: opt(2, use(PersistentVolumeClaimSpec)),
}, 'PersistentVolumeClaimTemplate is used to produce PersistentVolumeClaim objects as part of an EphemeralVolumeSource.');

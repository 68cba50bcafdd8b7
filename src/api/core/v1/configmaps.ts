// core/v1 ConfigMap: string data and binary data under config keys, optionally immutable.
import { Type, type Static, opt, bool, bytes, stringMap } from '../../schema.js';
import type { KubeObject, ResourceDef } from '../../resource.js';
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';
import { isConfigMapKey } from '../../../machinery/validation/names.js';
import { CORE, kindObject } from './common.js';
import { sameMap } from './field-util.js';
import { age } from '../../printers/age.js';

export const ConfigMapSchema = kindObject(`${CORE}.ConfigMap`, { group: '', version: 'v1', kind: 'ConfigMap' }, {
  immutable: opt(4, bool()),
  data: opt(2, stringMap()),
  binaryData: opt(3, Type.Record(Type.String(), bytes(), { 'x-pb-map': 'bytes' })),
}, 'ConfigMap holds configuration data for pods to consume.');
export type ConfigMap = Static<typeof ConfigMapSchema> & KubeObject;

/** core.MaxSecretSize: the data of a ConfigMap or Secret together may not exceed 1 MiB. */
export const MAX_DATA_SIZE = 1024 * 1024;

/** Decoded size of a base64 value (what Go's len([]byte) counts). */
export function base64Len(v: string): number {
  return Buffer.from(v, 'base64').length;
}

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(cm.data ?? {})) {
    for (const msg of isConfigMapKey(k)) errs.push(fieldErrors.invalid(`data[${k}]`, k, msg));
    if (cm.binaryData && Object.prototype.hasOwnProperty.call(cm.binaryData, k)) {
      errs.push(fieldErrors.invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    }
    total += Buffer.byteLength(v, 'utf8');
  }
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) {
    for (const msg of isConfigMapKey(k)) errs.push(fieldErrors.invalid(`binaryData[${k}]`, k, msg));
    total += base64Len(v);
  }
  // The error refers to the whole object, hence the empty path.
  if (total > MAX_DATA_SIZE) errs.push(fieldErrors.tooLong('', MAX_DATA_SIZE));
  return errs;
}

export function validateConfigMapUpdate(cm: ConfigMap, old: ConfigMap): FieldError[] {
  const errs: FieldError[] = [];
  if (old.immutable === true) {
    const why = 'field is immutable when `immutable` is set';
    if (cm.immutable !== true) errs.push(fieldErrors.forbidden('immutable', why));
    if (!sameMap(cm.data, old.data)) errs.push(fieldErrors.forbidden('data', why));
    if (!sameMap(cm.binaryData, old.binaryData)) errs.push(fieldErrors.forbidden('binaryData', why));
  }
  return [...errs, ...validateConfigMap(cm)];
}

export const configmaps: ResourceDef<ConfigMap> = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  listKind: 'ConfigMapList',
  plural: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  schema: ConfigMapSchema,
  validate: validateConfigMap,
  validateUpdate: validateConfigMapUpdate,
  table: {
    columns: [
      { name: 'Data', type: 'integer', priority: 0, description: 'Data contains the configuration data.' },
      { name: 'Age', type: 'string', priority: 0, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (cm, now) => [Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length, age(cm.metadata.creationTimestamp, now)],
  },
  description: 'ConfigMap holds configuration data for pods to consume.',
};

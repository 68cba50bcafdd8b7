// core/v1 Secret: base64 data, write-only stringData merged into data, type-specific required keys.
import { Type, type Static, opt, str, bool, bytes, stringMap } from '../../schema.js';
import type { KubeObject, ResourceDef } from '../../resource.js';
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';
import { isConfigMapKey } from '../../../machinery/validation/names.js';
import { CORE, kindObject } from './common.js';
import { sameMap, validateImmutable } from './field-util.js';
import { MAX_DATA_SIZE, base64Len } from './configmaps.js';
import { age } from '../../printers/age.js';

export const SecretSchema = kindObject(`${CORE}.Secret`, { group: '', version: 'v1', kind: 'Secret' }, {
  immutable: opt(5, bool()),
  data: opt(2, Type.Record(Type.String(), bytes(), { 'x-pb-map': 'bytes' })),
  stringData: opt(4, stringMap()),
  type: opt(3, str()),
}, 'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.');
export type Secret = Static<typeof SecretSchema> & KubeObject;

export const SECRET_TYPES = {
  opaque: 'Opaque',
  serviceAccountToken: 'kubernetes.io/service-account-token',
  dockercfg: 'kubernetes.io/dockercfg',
  dockerConfigJson: 'kubernetes.io/dockerconfigjson',
  basicAuth: 'kubernetes.io/basic-auth',
  sshAuth: 'kubernetes.io/ssh-auth',
  tls: 'kubernetes.io/tls',
  bootstrapToken: 'bootstrap.kubernetes.io/token',
} as const;
export const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';

/**
 * SetDefaults_Secret (type Opaque) and the v1 conversion of stringData: every stringData entry
 * overwrites data (base64-encoded), and stringData itself is never stored or returned.
 */
export function defaultSecret(s: Secret): void {
  if (!s.type) s.type = SECRET_TYPES.opaque;
  if (s.stringData) {
    const data = (s.data ??= {});
    for (const [k, v] of Object.entries(s.stringData)) data[k] = Buffer.from(v, 'utf8').toString('base64');
    delete s.stringData;
  }
}

function requireKey(s: Secret, key: string, errs: FieldError[]): boolean {
  if (s.data && Object.prototype.hasOwnProperty.call(s.data, key)) return true;
  errs.push(fieldErrors.required(`data[${key}]`));
  return false;
}

function checkJson(s: Secret, key: string, errs: FieldError[]): void {
  try {
    JSON.parse(Buffer.from(s.data![key]!, 'base64').toString('utf8'));
  } catch (e) {
    errs.push(fieldErrors.invalid(`data[${key}]`, '<secret contents redacted>', (e as Error).message));
  }
}

export function validateSecret(s: Secret): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(s.data ?? {})) {
    for (const msg of isConfigMapKey(k)) errs.push(fieldErrors.invalid(`data[${k}]`, k, msg));
    total += base64Len(v);
  }
  if (total > MAX_DATA_SIZE) errs.push(fieldErrors.tooLong('data', MAX_DATA_SIZE));
  switch (s.type) {
    case SECRET_TYPES.serviceAccountToken:
      if (!s.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION]) errs.push(fieldErrors.required(`metadata.annotations[${SERVICE_ACCOUNT_NAME_ANNOTATION}]`));
      break;
    case SECRET_TYPES.dockercfg:
      if (requireKey(s, '.dockercfg', errs)) checkJson(s, '.dockercfg', errs);
      break;
    case SECRET_TYPES.dockerConfigJson:
      if (requireKey(s, '.dockerconfigjson', errs)) checkJson(s, '.dockerconfigjson', errs);
      break;
    case SECRET_TYPES.basicAuth:
      if (!s.data?.username && s.data?.username !== '' && !s.data?.password && s.data?.password !== '') {
        errs.push(fieldErrors.required('data[username]'), fieldErrors.required('data[password]'));
      }
      break;
    case SECRET_TYPES.sshAuth:
      requireKey(s, 'ssh-privatekey', errs);
      break;
    case SECRET_TYPES.tls:
      requireKey(s, 'tls.crt', errs);
      requireKey(s, 'tls.key', errs);
      break;
  }
  return errs;
}

export function validateSecretUpdate(s: Secret, old: Secret): FieldError[] {
  const errs: FieldError[] = [...validateImmutable(s.type, old.type, 'type')];
  if (old.immutable === true) {
    const why = 'field is immutable when `immutable` is set';
    if (s.immutable !== true) errs.push(fieldErrors.forbidden('immutable', why));
    if (!sameMap(s.data, old.data)) errs.push(fieldErrors.forbidden('data', why));
  }
  return [...errs, ...validateSecret(s)];
}

export const secrets: ResourceDef<Secret> = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  listKind: 'SecretList',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  schema: SecretSchema,
  defaults: defaultSecret,
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
  table: {
    columns: [
      { name: 'Type', type: 'string', priority: 0, description: 'Used to facilitate programmatic handling of secret data.' },
      { name: 'Data', type: 'string', priority: 0, description: 'Data contains the secret data.' },
      { name: 'Age', type: 'string', priority: 0, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (s, now) => [s.type ?? '', Object.keys(s.data ?? {}).length, age(s.metadata.creationTimestamp, now)],
  },
  fieldSelectors: { type: (s) => s.type ?? '' },
  description: 'Secret holds secret data of a certain type.',
};

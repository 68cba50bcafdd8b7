// apiserver.config.k8s.io/v1 EncryptionConfiguration: for each group of resources, an ordered list
// of providers. The first provider encrypts every write; every provider can decrypt a read. The
// file is kube-apiserver's --encryption-provider-config, unchanged.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export type ProviderConfig =
  | { type: 'aesgcm' | 'aescbc' | 'secretbox'; keys: { name: string; secret: Buffer }[] }
  | { type: 'identity' };

export interface ResourceEncryption {
  /** "secrets", "deployments.apps", "*.apps" (a group), "*." (the core group), "*.*" (everything). */
  resources: string[];
  providers: ProviderConfig[];
}

export interface EncryptionConfig {
  resources: ResourceEncryption[];
}

const KEY_LENGTHS: Record<string, number[]> = { aesgcm: [16, 24, 32], aescbc: [32], secretbox: [32] };

function fail(msg: string): never {
  throw new Error(`invalid EncryptionConfiguration: ${msg}`);
}

/** Parses and checks the YAML (or JSON) text of an EncryptionConfiguration. */
export function parseEncryptionConfig(text: string): EncryptionConfig {
  const doc = parse(text) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') fail('empty document');
  if (doc.kind !== 'EncryptionConfiguration') fail(`kind must be EncryptionConfiguration, not ${JSON.stringify(doc.kind)}`);
  if (doc.apiVersion !== 'apiserver.config.k8s.io/v1') fail(`apiVersion must be apiserver.config.k8s.io/v1, not ${JSON.stringify(doc.apiVersion)}`);
  const entries = doc.resources;
  if (!Array.isArray(entries) || !entries.length) fail('resources: Required value: at least one resource is required');
  return {
    resources: entries.map((e: Record<string, unknown>, i: number) => {
      const resources = e.resources;
      if (!Array.isArray(resources) || !resources.length) fail(`resources[${i}].resources: Required value`);
      const providers = e.providers;
      if (!Array.isArray(providers) || !providers.length) fail(`resources[${i}].providers: Required value`);
      return {
        resources: resources.map(String),
        providers: providers.map((p: Record<string, unknown>, j: number): ProviderConfig => {
          const types = Object.keys(p ?? {});
          if (types.length !== 1) fail(`resources[${i}].providers[${j}]: exactly one provider must be given`);
          const type = types[0];
          if (type === 'identity') return { type: 'identity' };
          if (type === 'kms') fail(`resources[${i}].providers[${j}].kms: KMS providers are not supported by k8ts`);
          if (!(type in KEY_LENGTHS)) fail(`resources[${i}].providers[${j}]: unknown provider ${JSON.stringify(type)}`);
          const keys = (p[type] as { keys?: { name?: string; secret?: string }[] } | null)?.keys;
          if (!Array.isArray(keys) || !keys.length) fail(`resources[${i}].providers[${j}].${type}.keys: Required value`);
          return {
            type: type as 'aesgcm' | 'aescbc' | 'secretbox',
            keys: keys.map((k, n) => {
              const path = `resources[${i}].providers[${j}].${type}.keys[${n}]`;
              if (!k?.name) fail(`${path}.name: Required value`);
              if (k.name.includes(':')) fail(`${path}.name: Invalid value: "${k.name}": should not contain ':'`);
              const secret = Buffer.from(String(k.secret ?? ''), 'base64');
              if (!KEY_LENGTHS[type].includes(secret.length)) {
                fail(`${path}.secret: Invalid value: "REDACTED": secret is not of the expected length, got ${secret.length}, expected one of ${JSON.stringify(KEY_LENGTHS[type])}`);
              }
              return { name: k.name, secret };
            }),
          };
        }),
      };
    }),
  };
}

/** Reads --encryption-provider-config. */
export function loadEncryptionConfig(path: string): EncryptionConfig {
  return parseEncryptionConfig(readFileSync(path, 'utf8'));
}

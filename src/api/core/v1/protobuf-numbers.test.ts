import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TSchema } from '@sinclair/typebox';
import { PodSchema } from './pod.js';
import { ReplicationControllerSchema } from './replicationcontroller.js';
import { DeploymentSchema, ReplicaSetSchema, DaemonSetSchema } from '../../apps/v1/types.js';

type S = Record<string, any>;

/** Every object schema reachable from root (by JSON path), each visited once per path. */
function objects(root: TSchema, path = '', out: { path: string; schema: S }[] = [], depth = 0): { path: string; schema: S }[] {
  const s = root as S;
  if (depth > 30) return out;
  if (s.type === 'object' && s.properties) {
    out.push({ path, schema: s });
    for (const [k, v] of Object.entries<S>(s.properties)) objects(v as TSchema, `${path}.${k}`, out, depth + 1);
  } else if (s.type === 'array') objects(s.items, `${path}[]`, out, depth + 1);
  return out;
}

function fieldNumber(s: TSchema, ...path: string[]): number | undefined {
  let cur = s as S;
  for (const p of path.slice(0, -1)) {
    cur = cur.properties[p];
    if (cur.type === 'array') cur = cur.items;
  }
  return cur.properties[path[path.length - 1]]['x-pb'];
}

test('every workload property carries a protobuf field number (or an embedded position)', () => {
  for (const root of [PodSchema, ReplicationControllerSchema, DeploymentSchema, ReplicaSetSchema, DaemonSetSchema]) {
    for (const { path, schema } of objects(root)) {
      for (const [name, prop] of Object.entries<S>(schema.properties)) {
        if (path === '' && (name === 'apiVersion' || name === 'kind')) continue;
        const hasNumber = typeof prop['x-pb'] === 'number' || Array.isArray(prop['x-pb-embed']);
        assert.ok(hasNumber, `${(root as S).$id}${path}.${name} has no protobuf field number`);
      }
    }
  }
});

test('no two properties of one message share a protobuf field number', () => {
  for (const root of [PodSchema, DeploymentSchema, DaemonSetSchema, ReplicationControllerSchema]) {
    for (const { path, schema } of objects(root)) {
      const seen = new Map<string, string>();
      for (const [name, prop] of Object.entries<S>(schema.properties)) {
        const key = prop['x-pb'] !== undefined ? String(prop['x-pb']) : prop['x-pb-embed'] ? `embed:${prop['x-pb-embed'].join('.')}` : undefined;
        if (key === undefined) continue;
        assert.ok(!seen.has(key), `${path}: ${name} and ${seen.get(key)} both use ${key}`);
        seen.set(key, name);
      }
    }
  }
});

test('the Deployment to Container path uses the numbers of k8s.io/api generated.proto', () => {
  assert.equal(fieldNumber(DeploymentSchema, 'spec'), 2);
  assert.equal(fieldNumber(DeploymentSchema, 'spec', 'template'), 3);
  assert.equal(fieldNumber(DeploymentSchema, 'spec', 'strategy'), 4);
  assert.equal(fieldNumber(DeploymentSchema, 'spec', 'progressDeadlineSeconds'), 9);
  assert.equal(fieldNumber(DeploymentSchema, 'spec', 'template', 'spec'), 2);
  assert.equal(fieldNumber(DeploymentSchema, 'spec', 'template', 'spec', 'containers'), 2);
  assert.equal(fieldNumber(DeploymentSchema, 'spec', 'template', 'spec', 'initContainers'), 20);
  assert.equal(fieldNumber(DeploymentSchema, 'spec', 'template', 'spec', 'containers', 'image'), 2);
  assert.equal(fieldNumber(DeploymentSchema, 'spec', 'template', 'spec', 'containers', 'envFrom'), 19);
  assert.equal(fieldNumber(DeploymentSchema, 'spec', 'template', 'spec', 'containers', 'resources'), 8);
  assert.equal(fieldNumber(DeploymentSchema, 'spec', 'template', 'spec', 'containers', 'terminationMessagePolicy'), 20);
  assert.equal(fieldNumber(PodSchema, 'spec', 'enableServiceLinks'), 30);
  assert.equal(fieldNumber(PodSchema, 'status', 'podIPs'), 12);
  assert.equal(fieldNumber(DaemonSetSchema, 'spec', 'revisionHistoryLimit'), 6);
});

test('embedded Go structs are marked with their position in protobuf', () => {
  const probe = (PodSchema as S).properties.spec.properties.containers.items.properties.livenessProbe;
  assert.deepEqual(probe.properties.httpGet['x-pb-embed'], [1, 2]);
  assert.equal(probe.properties.httpGet['x-pb'], undefined);
  assert.equal(probe.properties.periodSeconds['x-pb'], 4);
  const volume = (PodSchema as S).properties.spec.properties.volumes.items;
  assert.deepEqual(volume.properties.configMap['x-pb-embed'], [2, 19]);
  assert.deepEqual(volume.properties.configMap.properties.name['x-pb-embed'], [1, 1]);
  const eph = (PodSchema as S).properties.spec.properties.ephemeralContainers.items;
  assert.deepEqual(eph.properties.image['x-pb-embed'], [1, 2]);
  assert.equal(eph.properties.targetContainerName['x-pb'], 2);
});

test('merge keys follow the Go struct tags', () => {
  const spec = (PodSchema as S).properties.spec;
  const c = spec.properties.containers;
  assert.equal(c['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(c.items.properties.ports['x-kubernetes-patch-merge-key'], 'containerPort');
  assert.deepEqual(c.items.properties.ports['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
  assert.equal(c.items.properties.env['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(c.items.properties.volumeMounts['x-kubernetes-patch-merge-key'], 'mountPath');
  assert.equal(spec.properties.volumes['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  assert.equal(spec.properties.imagePullSecrets['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(spec.properties.tolerations['x-kubernetes-list-type'], 'atomic');
  assert.equal(spec.properties.tolerations['x-kubernetes-patch-merge-key'], undefined);
  assert.equal((DeploymentSchema as S).properties.spec.properties.strategy['x-kubernetes-patch-strategy'], 'retainKeys');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { deploymentDef } from './deployment.js';
import { replicaSetDef } from './replicaset.js';
import { daemonSetDef } from './daemonset.js';
import { resources } from './index.js';
import { DeploymentSchema, type Deployment, type ReplicaSet, type DaemonSet } from './types.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const template = () => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } });

function deploy(spec: Record<string, unknown> = {}): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: template(), ...spec },
  } as Deployment;
}

function msgs(errs: { field: string; message: string }[]): string[] {
  return errs.map((e) => `${e.field}: ${e.message}`);
}

test('apps/v1 serves deployments, replicasets and daemonsets', () => {
  assert.deepEqual(resources.map((r) => `${r.plural}/${r.shortNames?.join(',')}/${r.categories?.join(',')}`), ['deployments/deploy/all', 'replicasets/rs/all', 'daemonsets/ds/all']);
});

test('deployment defaults: one replica, RollingUpdate 25%/25%, history 10, deadline 600, template defaults', () => {
  const d = deploy();
  deploymentDef.defaults!(d);
  assert.equal(d.spec!.replicas, 1);
  assert.deepEqual(d.spec!.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(d.spec!.revisionHistoryLimit, 10);
  assert.equal(d.spec!.progressDeadlineSeconds, 600);
  const c = d.spec!.template!.spec!.containers![0];
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.equal(d.spec!.template!.spec!.enableServiceLinks, undefined, 'pod-only defaults do not apply to templates');
  assert.deepEqual(msgs(deploymentDef.validate!(d)), []);
});

test('Recreate deployments get no rollingUpdate defaults', () => {
  const d = deploy({ strategy: { type: 'Recreate' } });
  deploymentDef.defaults!(d);
  assert.deepEqual(d.spec!.strategy, { type: 'Recreate' });
});

test('rejects a deployment whose selector does not match the template labels', () => {
  const d = deploy({ selector: { matchLabels: { app: 'api' } } });
  deploymentDef.defaults!(d);
  assert.deepEqual(msgs(deploymentDef.validate!(d)), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`']);
});

test('rejects a deployment without a selector, with negative replicas, or with both maxSurge and maxUnavailable 0', () => {
  const d = deploy({ replicas: -2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } });
  delete (d.spec as Record<string, unknown>).selector;
  deploymentDef.defaults!(d);
  assert.deepEqual(msgs(deploymentDef.validate!(d)), [
    'spec.replicas: Invalid value: -2: must be greater than or equal to 0',
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
  ]);
});

test('rejects an empty selector and a container without image in the template', () => {
  const d = deploy({ selector: {} });
  (d.spec!.template!.spec!.containers![0] as Record<string, unknown>).image = '';
  deploymentDef.defaults!(d);
  assert.deepEqual(msgs(deploymentDef.validate!(d)), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    'spec.template.spec.containers[0].image: Required value',
  ]);
});

test('apps/v1 deployment selectors are immutable', () => {
  const old = deploy();
  deploymentDef.defaults!(old);
  const next = structuredClone(old);
  next.spec!.selector = { matchLabels: { app: 'web', tier: 'fe' } };
  next.spec!.template!.metadata!.labels = { app: 'web', tier: 'fe' };
  assert.deepEqual(msgs(deploymentDef.validateUpdate!(next, old)), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"fe"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
  const scaled = structuredClone(old);
  scaled.spec!.replicas = 5;
  assert.deepEqual(deploymentDef.validateUpdate!(scaled, old), []);
});

test('deployment status starts empty and main writes keep the stored status', () => {
  const d = deploy();
  (d as Record<string, unknown>).status = { replicas: 9 };
  deploymentDef.prepareForCreate!(d);
  assert.deepEqual(d.status, {});
  const next = structuredClone(d);
  next.status = { replicas: 1 };
  deploymentDef.prepareForUpdate!(next, d);
  assert.deepEqual(next.status, {});
});

test('deployment table shows READY UP-TO-DATE AVAILABLE AGE and the wide columns; scale uses the selector', () => {
  const d = deploy({ replicas: 3 });
  deploymentDef.defaults!(d);
  d.status = { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
  assert.deepEqual(deploymentDef.table!.columns.map((c) => c.name), ['Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
  assert.deepEqual(deploymentDef.table!.cells(d, NOW), ['2/3', 3, 2, '60m', 'web', 'nginx:1.25', 'app=web']);
  assert.equal(deploymentDef.subresources!.scale!.selector(d), 'app=web');
});

test('a kubectl-style deployment manifest decodes with no unknown fields', () => {
  const m = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 2, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '10%' } },
      minReadySeconds: 5, revisionHistoryLimit: 3, progressDeadlineSeconds: 120, paused: false,
      template: { metadata: { labels: { app: 'web' }, annotations: { x: 'y' } }, spec: { containers: [{ name: 'web', image: 'nginx', resources: {} }] } },
    },
  };
  assert.deepEqual([...Value.Errors(DeploymentSchema, m)].map((e) => e.path), []);
});

test('replicaset defaults one replica, validates its selector and prints DESIRED CURRENT READY', () => {
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', creationTimestamp: '2024-05-01T11:59:30Z' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template() } } as ReplicaSet;
  replicaSetDef.defaults!(rs);
  assert.equal(rs.spec!.replicas, 1);
  assert.deepEqual(replicaSetDef.validate!(rs), []);
  replicaSetDef.prepareForCreate!(rs);
  assert.deepEqual(rs.status, { replicas: 0 });
  assert.deepEqual(replicaSetDef.table!.cells(rs, NOW), [1, 0, 0, '30s', 'web', 'nginx:1.25', 'app=web']);
  assert.equal(replicaSetDef.fieldSelectors!['status.replicas'](rs), '0');
  const bad = structuredClone(rs);
  bad.spec!.template!.metadata!.labels = { app: 'x' };
  assert.deepEqual(msgs(replicaSetDef.validate!(bad)), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`']);
});

test('daemonset defaults RollingUpdate with maxUnavailable 1 and maxSurge 0, and prints its columns', () => {
  const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', creationTimestamp: '2024-04-29T09:00:00Z' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template() } } as DaemonSet;
  ds.spec!.template!.spec!.nodeSelector = { 'kubernetes.io/os': 'linux' };
  daemonSetDef.defaults!(ds);
  assert.deepEqual(ds.spec!.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(ds.spec!.revisionHistoryLimit, 10);
  assert.deepEqual(daemonSetDef.validate!(ds), []);
  daemonSetDef.prepareForCreate!(ds);
  ds.status = { ...ds.status, desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 };
  assert.deepEqual(daemonSetDef.table!.cells(ds, NOW), [3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '2d3h', 'web', 'nginx:1.25', 'app=web']);
  const bad = structuredClone(ds);
  bad.spec!.updateStrategy = { type: 'Rolling' };
  assert.deepEqual(msgs(daemonSetDef.validate!(bad)), ['spec.updateStrategy.type: Unsupported value: "Rolling": supported values: "OnDelete", "RollingUpdate"']);
});

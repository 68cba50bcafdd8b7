import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/core/v1/pod.js';
import type { ConfigMap } from '../../api/core/v1/configmaps.js';
import type { Secret } from '../../api/core/v1/secrets.js';
import type { Service } from '../../api/core/v1/services.js';
import { resolveEnv, EnvError, type EnvSources } from './env.js';
import { expand } from './expand.js';

function sources(cms: ConfigMap[], secrets: Secret[], services: Service[] = []): EnvSources {
  return {
    configMap: async (ns, name) => cms.find((c) => c.metadata.namespace === ns && c.metadata.name === name) ?? null,
    secret: async (ns, name) => secrets.find((c) => c.metadata.namespace === ns && c.metadata.name === name) ?? null,
    services: async (ns) => services.filter((s) => s.metadata.namespace === ns),
  };
}

const cm: ConfigMap = { metadata: { name: 'cfg', namespace: 'ns' }, data: { color: 'blue', 'bad key': 'x', size: 'L' } };
const sec: Secret = { metadata: { name: 'sec', namespace: 'ns' }, data: { password: Buffer.from('hunter2').toString('base64') } };

function pod(env: unknown[], extra: Record<string, unknown> = {}): Pod {
  return {
    metadata: { name: 'web', namespace: 'ns', uid: 'u-1', labels: { app: 'web' }, annotations: { note: 'n' } },
    spec: { nodeName: 'n1', serviceAccountName: 'sa', containers: [{ name: 'c', image: 'i', env, resources: { limits: { cpu: '250m', memory: '64Mi' } }, ...extra }] },
  } as Pod;
}

test('resolves values, refs, field refs, resource refs and expansion in order', async () => {
  const p = pod([
    { name: 'A', value: 'a' },
    { name: 'B', value: '$(A)-b-$(MISSING)-$$(A)' },
    { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'color' } } },
    { name: 'PW', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
    { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
    { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
    { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
    { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
    { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
    { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
    { name: 'EPH', valueFrom: { resourceFieldRef: { resource: 'limits.ephemeral-storage' } } },
  ]);
  const r = await resolveEnv(p, p.spec!.containers![0], sources([cm], [sec]), { podIP: '10.1.0.5', hostIP: '192.168.1.2' }, { 'ephemeral-storage': '1000' });
  const m = Object.fromEntries(r.env.map((e) => [e.key, e.value]));
  assert.equal(m.B, 'a-b-$(MISSING)-$(A)');
  assert.equal(m.COLOR, 'blue');
  assert.equal(m.PW, 'hunter2');
  assert.deepEqual([m.POD, m.NS, m.UID, m.APP, m.IP, m.HOST, m.NODE, m.SA], ['web', 'ns', 'u-1', 'web', '10.1.0.5', '192.168.1.2', 'n1', 'sa']);
  assert.equal(m.CPU, '250');
  assert.equal(m.MEM, '64');
  assert.equal(m.EPH, '1000', 'a limit not set reads as node allocatable');
});

test('envFrom adds valid keys with prefix; env overrides it', async () => {
  const p = pod([{ name: 'CFG_color', value: 'red' }], { envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }, { secretRef: { name: 'sec' } }] });
  const r = await resolveEnv(p, p.spec!.containers![0], sources([cm], [sec]), {}, {});
  const m = Object.fromEntries(r.env.map((e) => [e.key, e.value]));
  assert.equal(m.CFG_color, 'red');
  assert.equal(m.CFG_size, 'L');
  assert.equal(m.password, 'hunter2');
  assert.equal('CFG_bad key' in m, false);
});

test('missing configmap, secret or key fails with the Kubernetes message unless optional', async () => {
  const cases: [unknown, string][] = [
    [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }, 'configmap "nope" not found'],
    [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }, "couldn't find key k in ConfigMap ns/cfg"],
    [{ name: 'X', valueFrom: { secretKeyRef: { name: 'sec', key: 'k' } } }, "couldn't find key k in Secret ns/sec"],
    [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }, 'secret "nope" not found'],
  ];
  for (const [e, msg] of cases) {
    const p = pod([e]);
    await assert.rejects(resolveEnv(p, p.spec!.containers![0], sources([cm], [sec]), {}, {}), (err: unknown) => err instanceof EnvError && err.message === msg);
  }
  const p = pod([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } }]);
  const r = await resolveEnv(p, p.spec!.containers![0], sources([cm], [sec]), {}, {});
  assert.equal(r.env.some((e) => e.key === 'X'), false);
});

test('service links give SERVICE_HOST/PORT and docker-link variables; disabled by enableServiceLinks=false', async () => {
  const svc = { metadata: { name: 'my-db', namespace: 'ns' }, spec: { clusterIP: '10.0.0.9', ports: [{ name: 'sql', port: 5432, protocol: 'TCP' }] } } as Service;
  const headless = { metadata: { name: 'hl', namespace: 'ns' }, spec: { clusterIP: 'None', ports: [{ port: 1 }] } } as Service;
  const p = pod([{ name: 'URL', value: 'pg://$(MY_DB_SERVICE_HOST):$(MY_DB_SERVICE_PORT)' }]);
  const r = await resolveEnv(p, p.spec!.containers![0], sources([], [], [svc, headless]), {}, {});
  const m = Object.fromEntries(r.env.map((e) => [e.key, e.value]));
  assert.equal(m.MY_DB_SERVICE_HOST, '10.0.0.9');
  assert.equal(m.MY_DB_SERVICE_PORT, '5432');
  assert.equal(m.MY_DB_SERVICE_PORT_SQL, '5432');
  assert.equal(m.MY_DB_PORT, 'tcp://10.0.0.9:5432');
  assert.equal(m.MY_DB_PORT_5432_TCP_ADDR, '10.0.0.9');
  assert.equal(m.URL, 'pg://10.0.0.9:5432');
  assert.equal(Object.keys(m).some((k) => k.startsWith('HL_')), false);
  p.spec!.enableServiceLinks = false;
  const r2 = await resolveEnv(p, p.spec!.containers![0], sources([], [], [svc]), {}, {});
  assert.equal(r2.env.some((e) => e.key === 'MY_DB_SERVICE_HOST'), false);
});

test('expand leaves unknown and unterminated references alone', () => {
  const look = (n: string) => ({ A: 'x' } as Record<string, string>)[n];
  assert.equal(expand('$(A)$(B)$$(A)$A$', look), 'x$(B)$(A)$A$');
  assert.equal(expand('pre $(A', look), 'pre $(A');
});

// A pod sent as Kubernetes protobuf (probe handler and volume source embedded as Go embeds them)
// is stored and served back as the same JSON object a JSON client would have created.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster } from '../client/cluster.js';
import { request } from './harness.js';
import { encodePodProtobuf } from '../../src/apiserver/protobuf/pod-proto-fixture.js';

test('a protobuf pod with an httpGet liveness probe and a configMap volume round-trips through the server', async () => {
  const c = await startCluster();
  try {
    const body = encodePodProtobuf({
      metadata: { name: 'pb-pod' },
      spec: {
        volumes: [{ name: 'cfg', volumeSource: { configMap: { localObjectReference: { name: 'settings' }, defaultMode: 420 } } }],
        containers: [{
          name: 'main', image: 'nginx',
          volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }],
          livenessProbe: { handler: { httpGet: { path: '/healthz', port: { type: 0, intVal: 8080 } } }, periodSeconds: 7 },
        }],
      },
    });
    const created = await request(undefined, c.base, 'POST', '/api/v1/namespaces/default/pods', body, { 'Content-Type': 'application/vnd.kubernetes.protobuf', Accept: 'application/json' });
    assert.equal(created.status, 201, created.text);
    const got = await request(undefined, c.base, 'GET', '/api/v1/namespaces/default/pods/pb-pod');
    assert.equal(got.status, 200);
    const ctr = got.json.spec.containers[0];
    assert.equal(ctr.livenessProbe.httpGet.path, '/healthz');
    assert.equal(ctr.livenessProbe.httpGet.port, 8080);
    assert.equal(ctr.livenessProbe.httpGet.scheme, 'HTTP', 'defaults apply to the embedded handler');
    assert.equal(ctr.livenessProbe.periodSeconds, 7);
    assert.deepEqual(got.json.spec.volumes, [{ name: 'cfg', configMap: { name: 'settings', defaultMode: 420 } }]);
    assert.deepEqual(ctr.volumeMounts, [{ name: 'cfg', mountPath: '/etc/cfg' }]);
  } finally {
    await c.close();
  }
});

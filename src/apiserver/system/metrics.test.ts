import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { apiserverMetrics, observeRequest } from './metrics.js';

const POST_PODS = { verb: 'POST', group: '', version: 'v1', resource: 'pods', scope: 'namespace', seconds: 0.01 };

async function sample(reg: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const m = (await reg.getMetricsAsJSON()).find((x) => x.name === name);
  const want = Object.entries(labels);
  return (m?.values as { labels: Record<string, unknown>; value: number; metricName?: string }[] | undefined)
    ?.find((v) => (v.metricName ?? name) === (name === 'apiserver_request_duration_seconds' ? `${name}_count` : name) && want.every(([k, x]) => v.labels[k] === x))?.value;
}

test('requests with the same labels add up in one series per code, and each registry keeps its own counts', async () => {
  const a = new Registry();
  const b = new Registry();
  const ma = apiserverMetrics(a);
  const mb = apiserverMetrics(b);
  for (let i = 0; i < 3; i++) observeRequest(ma, { ...POST_PODS, code: 201 });
  observeRequest(ma, { ...POST_PODS, code: 409 });
  observeRequest(ma, { ...POST_PODS, subresource: 'binding', code: 201 });
  observeRequest(mb, { ...POST_PODS, code: 201 });
  assert.equal(await sample(a, 'apiserver_request_total', { verb: 'POST', resource: 'pods', subresource: '', code: '201' }), 3);
  assert.equal(await sample(a, 'apiserver_request_total', { verb: 'POST', resource: 'pods', subresource: '', code: '409' }), 1);
  assert.equal(await sample(a, 'apiserver_request_total', { verb: 'POST', resource: 'pods', subresource: 'binding', code: '201' }), 1);
  assert.equal(await sample(a, 'apiserver_request_duration_seconds', { verb: 'POST', resource: 'pods', subresource: '' }), 4);
  assert.equal(await sample(b, 'apiserver_request_total', { verb: 'POST', resource: 'pods', subresource: '', code: '201' }), 1);
});

test('a reset registry counts again from zero with the same series', async () => {
  const reg = new Registry();
  const m = apiserverMetrics(reg);
  observeRequest(m, { ...POST_PODS, code: 201 });
  reg.resetMetrics();
  observeRequest(m, { ...POST_PODS, code: 201 });
  assert.equal(await sample(reg, 'apiserver_request_total', { verb: 'POST', code: '201' }), 1);
  assert.equal(await sample(reg, 'apiserver_request_duration_seconds', { verb: 'POST', resource: 'pods' }), 1);
});

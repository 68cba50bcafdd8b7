import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags } from './scheduler.js';

test('parses the scheduler flags in both --flag value and --flag=value forms', () => {
  const f = parseFlags(['--kubeconfig', '/tmp/kc', '--config=/etc/k8ts/scheduler.yaml', '--leader-elect', '--metrics-port', '0']);
  assert.equal(f.kubeconfig, '/tmp/kc');
  assert.equal(f.config, '/etc/k8ts/scheduler.yaml');
  assert.equal(f.leaderElect, true);
  assert.equal(f.metricsPort, 0);
  assert.equal(parseFlags(['--leader-elect=false']).leaderElect, false);
  assert.throws(() => parseFlags(['--bogus']), /unknown flag --bogus/);
  assert.throws(() => parseFlags(['--metrics-port', 'x']), /--metrics-port must be a port number/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags } from './controller-manager.js';
import { parseDuration } from './duration.js';

test('durations are read as Go writes them', () => {
  assert.equal(parseDuration('50s'), 50_000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.throws(() => parseDuration('10'), /invalid duration/);
});

test('flags use kube-controller-manager\'s names and defaults', () => {
  const d = parseFlags([], {});
  assert.equal(d.leaderElect, true);
  assert.deepEqual(d.controllers, ['*']);
  const f = parseFlags(['--kubeconfig', '/tmp/kc', '--controllers=*,-podgc', '--leader-elect=false', '--cluster-cidr', '10.1.0.0/16',
    '--node-cidr-mask-size=26', '--node-monitor-grace-period', '40s', '--node-monitor-period=2s', '--terminated-pod-gc-threshold', '100', '--leader-elect-lease-duration=4s'], {});
  assert.equal(f.kubeconfig, '/tmp/kc');
  assert.deepEqual(f.controllers, ['*', '-podgc']);
  assert.equal(f.leaderElect, false);
  assert.equal(f.leaseDurationMs, 4000);
  assert.deepEqual(f.options, { clusterCIDR: '10.1.0.0/16', nodeCIDRMaskSize: 26, nodeMonitorGracePeriodMs: 40_000, nodeMonitorPeriodMs: 2000, terminatedPodGCThreshold: 100 });
  assert.throws(() => parseFlags(['--bogus'], {}), /unknown flag --bogus/);
});

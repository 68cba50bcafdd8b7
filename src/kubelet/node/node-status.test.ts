import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MachineInfo } from '../types.js';
import { allocatableOf, capacityOf, nodeConditions, nodeStatus, pressureOf } from './node-status.js';

const GiB = 1024 ** 3;
const machine: MachineInfo = {
  hostname: 'h', cpuCores: 2, memoryBytes: 4 * GiB, ephemeralStorageBytes: 10 * GiB, osImage: 'Debian', kernelVersion: '6.1', architecture: 'amd64',
  operatingSystem: 'linux', machineID: 'm', systemUUID: 's', bootID: 'b',
  sample: () => ({ memoryAvailableBytes: GiB, diskAvailableBytes: 5 * GiB, diskCapacityBytes: 10 * GiB, pidsInUse: 10, pidsMax: 1000 }),
};

test('capacity and allocatable come from the machine, with 110 pods', () => {
  assert.deepEqual(capacityOf(machine), { cpu: '2', memory: '4194304Ki', pods: '110', 'ephemeral-storage': '10485760Ki' });
  const a = allocatableOf(machine);
  assert.equal(a.memory, `${4 * 1024 * 1024 - 100 * 1024}Ki`, 'the 100Mi eviction threshold is held back');
  assert.equal(a.pods, '110');
});

test('pressure follows the eviction thresholds and conditions carry the kubelet reasons', () => {
  assert.deepEqual(pressureOf(machine.sample()), { memory: false, disk: false, pid: false });
  assert.deepEqual(pressureOf({ memoryAvailableBytes: 50 * 1024 * 1024, diskAvailableBytes: GiB / 2, diskCapacityBytes: 10 * GiB, pidsInUse: 950, pidsMax: 1000 }), { memory: true, disk: true, pid: true });
  const ok = nodeConditions({ memory: false, disk: false, pid: false }, { ready: true });
  assert.deepEqual(ok.map((c) => [c.type, c.status, c.reason, c.message]), [
    ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
    ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
    ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
    ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
  ]);
  const bad = nodeConditions({ memory: true, disk: true, pid: true }, { ready: false, message: 'container runtime is down' });
  assert.deepEqual(bad.map((c) => c.reason), ['KubeletHasInsufficientMemory', 'KubeletHasDiskPressure', 'KubeletHasInsufficientPID', 'KubeletNotReady']);
});

test('node status keeps transition times while a condition holds and reports nodeInfo and addresses', () => {
  const facts = { nodeName: 'n1', nodeIP: '10.0.0.5', machine, runtimeVersion: 'containerd://1.6.20' };
  const images = [{ id: 'sha256:1', repoTags: ['k8ts.local/busybox:1'], repoDigests: [], size: '1000' }];
  const s1 = nodeStatus(facts, images, pressureOf(machine.sample()), { ready: true }, undefined, '2026-01-01T00:00:00Z');
  const s2 = nodeStatus(facts, images, pressureOf(machine.sample()), { ready: false }, s1, '2026-01-01T00:00:10Z');
  const ready = (s: typeof s1) => s.conditions!.find((c) => c.type === 'Ready')!;
  const mem = (s: typeof s1) => s.conditions!.find((c) => c.type === 'MemoryPressure')!;
  assert.equal(mem(s2).lastTransitionTime, '2026-01-01T00:00:00Z');
  assert.equal(mem(s2).lastHeartbeatTime, '2026-01-01T00:00:10Z');
  assert.equal(ready(s2).lastTransitionTime, '2026-01-01T00:00:10Z');
  assert.deepEqual(s1.addresses, [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'h' }]);
  assert.equal(s1.nodeInfo!.kubeletVersion, 'v1.32.0-k8ts');
  assert.equal(s1.nodeInfo!.containerRuntimeVersion, 'containerd://1.6.20');
  assert.deepEqual(s1.images, [{ names: ['k8ts.local/busybox:1'], sizeBytes: 1000 }]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walk } from '../../../apiserver/decode/schema-walk.js';
import { nodes, type Node, defaultNode, prepareNodeForUpdate, validateNode, validateNodeUpdate, nodeStatusString } from './nodes.js';

const messages = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);
const now = Date.parse('2024-01-11T00:00:00Z');

/** A node as a kubeadm/kind kubelet registers it and `kubectl get node -o json` prints it. */
function realNode(): Record<string, unknown> {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name: 'kind-control-plane', uid: '0c6a4b1e-1b1a-4f7e-9a55-0d1d2f3c4b5a', resourceVersion: '611', creationTimestamp: '2024-01-01T00:00:00Z',
      labels: {
        'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': 'kind-control-plane', 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/control-plane': '',
      },
      annotations: { 'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock', 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: {
      podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'], providerID: 'kind://docker/kind/kind-control-plane',
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    },
    status: {
      addresses: [{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: 'kind-control-plane' }],
      allocatable: { cpu: '8', 'ephemeral-storage': '263174212Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '32724260Ki', pods: '110' },
      capacity: { cpu: '8', 'ephemeral-storage': '263174212Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '32724260Ki', pods: '110' },
      conditions: [
        { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: '2024-01-10T23:59:00Z', lastTransitionTime: '2024-01-01T00:00:00Z', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
        { type: 'Ready', status: 'True', lastHeartbeatTime: '2024-01-10T23:59:00Z', lastTransitionTime: '2024-01-01T00:00:30Z', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images: [{ names: ['registry.k8s.io/etcd@sha256:abc', 'registry.k8s.io/etcd:3.5.15-0'], sizeBytes: 56909194 }],
      nodeInfo: {
        architecture: 'amd64', bootID: 'b', containerRuntimeVersion: 'containerd://1.7.18', kernelVersion: '6.8.0-45-generic',
        kubeProxyVersion: 'v1.32.0', kubeletVersion: 'v1.32.0', machineID: 'm', operatingSystem: 'linux', osImage: 'Debian GNU/Linux 12 (bookworm)', systemUUID: 's',
        swap: { capacity: 0 },
      },
      runtimeHandlers: [{ name: 'runc', features: { recursiveReadOnlyMounts: true, userNamespaces: true } }, { name: '', features: { recursiveReadOnlyMounts: true, userNamespaces: true } }],
      features: { supplementalGroupsPolicy: true },
      volumesInUse: ['kubernetes.io/csi/x'], volumesAttached: [{ name: 'kubernetes.io/csi/x', devicePath: '' }],
    },
  };
}

test('a real-world node decodes with no unknown fields and validates', () => {
  const real = realNode();
  assert.deepEqual(walk(structuredClone(real), nodes.schema, { dropUnknown: false }), { unknown: [], mismatches: [] });
  assert.deepEqual(validateNode(real as unknown as Node), []);
});

test('table row reads like kubectl get nodes -o wide', () => {
  const n = realNode() as unknown as Node;
  assert.deepEqual(nodes.table!.cells(n, now), ['Ready', 'control-plane', '10d', 'v1.32.0', '172.18.0.2', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.8.0-45-generic', 'containerd://1.7.18']);
});

test('STATUS is NotReady, Unknown without a Ready condition, and shows SchedulingDisabled when cordoned', () => {
  const n = realNode() as unknown as Node;
  (n.status as { conditions: { type: string; status: string }[] }).conditions[1]!.status = 'Unknown';
  assert.equal(nodeStatusString(n), 'NotReady');
  n.spec!.unschedulable = true;
  assert.equal(nodeStatusString(n), 'NotReady,SchedulingDisabled');
  const bare = { metadata: { name: 'x' }, spec: { unschedulable: true } } as Node;
  assert.equal(nodeStatusString(bare), 'Unknown,SchedulingDisabled');
  assert.equal(nodes.fieldSelectors!['spec.unschedulable']!(bare), 'true');
  assert.equal(nodes.fieldSelectors!['spec.unschedulable']!({ metadata: { name: 'y' } } as Node), 'false');
});

test('taints are validated under metadata.taints and must be unique by key and effect', () => {
  const n = { metadata: { name: 'n' }, spec: { taints: [
    { key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'Sometimes' }, { key: 'c' },
  ] } } as unknown as Node;
  assert.deepEqual(messages(validateNode(n)), [
    'metadata.taints[1]: Duplicate value: core.Taint{Key:"a", Value:"", Effect:"NoSchedule", TimeAdded:<nil>}: taints must be unique by key and effect pair',
    'metadata.taints[2].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    'metadata.taints[3].effect: Required value',
  ]);
});

test('podCIDRs must be valid, one per family; once set they cannot change', () => {
  const n = { metadata: { name: 'n' }, spec: { podCIDRs: ['10.0.0.0/24', '10.1.0.0/24'] } } as unknown as Node;
  assert.deepEqual(messages(validateNode(n)), ['spec.podCIDRs: Invalid value: []string{"10.0.0.0/24", "10.1.0.0/24"}: may specify no more than one CIDR for each IP family']);
  assert.deepEqual(validateNode({ metadata: { name: 'n' }, spec: { podCIDRs: ['10.0.0.0/24', 'fd00::/64'] } } as unknown as Node), []);
  const old = { metadata: { name: 'n' }, spec: { podCIDR: '10.0.0.0/24', podCIDRs: ['10.0.0.0/24'], providerID: 'kind://a' } } as unknown as Node;
  const next = structuredClone(old);
  next.spec!.podCIDRs = ['10.9.0.0/24'];
  next.spec!.providerID = 'kind://b';
  assert.deepEqual(messages(validateNodeUpdate(next, old)), [
    'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
  ]);
});

test('allocatable defaults to capacity and main updates keep the stored status', () => {
  const n = { metadata: { name: 'n' }, status: { capacity: { cpu: '2' } } } as unknown as Node;
  defaultNode(n);
  assert.deepEqual((n.status as { allocatable: unknown }).allocatable, { cpu: '2' });
  const old = realNode() as unknown as Node;
  const next = structuredClone(old);
  next.status = { phase: 'Pending' };
  prepareNodeForUpdate(next, old);
  assert.deepEqual(next.status, old.status);
});

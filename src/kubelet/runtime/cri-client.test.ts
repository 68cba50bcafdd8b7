import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { connectCri, toSandboxStatus } from './cri-client.js';
import { CriError, GrpcCode } from './errors.js';

// The proto sits beside the compiled module (setup.sh copies it) or in the source tree.
function loadProto(): protobuf.Root {
  for (const rel of ['./cri.proto', '../../../../src/kubelet/runtime/cri.proto']) {
    try {
      return protobuf.loadSync(fileURLToPath(new URL(rel, import.meta.url)));
    } catch { /* try the next place */ }
  }
  throw new Error('cri.proto not found');
}

describe('cri.proto', () => {
  const root = loadProto();
  const num = (msg: string, field: string): number => root.lookupType(`runtime.v1.${msg}`).fields[field]!.id;

  it('keeps runtime.v1 field numbers where they are easy to get wrong', () => {
    // Numbers that skip (absent Windows or deprecated fields) or differ between similar messages.
    const want: [string, string, number][] = [
      ['PodSandboxConfig', 'linux', 8], ['PodSandboxConfig', 'annotations', 7],
      ['ContainerConfig', 'labels', 9], ['ContainerConfig', 'logPath', 11], ['ContainerConfig', 'linux', 15],
      ['LinuxSandboxSecurityContext', 'runAsGroup', 8], ['LinuxSandboxSecurityContext', 'privileged', 6],
      ['LinuxContainerSecurityContext', 'runAsGroup', 12], ['LinuxContainerSecurityContext', 'noNewPrivs', 11],
      ['LinuxContainerSecurityContext', 'readonlyRootfs', 7],
      ['PodSandboxStatus', 'labels', 7], ['PodSandboxStatus', 'network', 5], ['PodSandbox', 'labels', 5],
      ['PodSandboxFilter', 'labelSelector', 3], ['ContainerFilter', 'podSandboxId', 3], ['ContainerFilter', 'labelSelector', 4],
      ['Container', 'state', 6], ['Container', 'labels', 8], ['ContainerStatus', 'logPath', 15], ['ContainerStatus', 'reason', 10],
      ['ExecSyncResponse', 'exitCode', 3], ['AttachRequest', 'tty', 3], ['AttachRequest', 'stdin', 2],
      ['ExecRequest', 'stdin', 4], ['Image', 'size', 4], ['UpdateContainerResourcesRequest', 'annotations', 4],
      ['LinuxContainerResources', 'unified', 9], ['LinuxContainerResources', 'memorySwapLimitInBytes', 10],
      ['StatusResponse', 'info', 2], ['FilesystemUsage', 'usedBytes', 3],
    ];
    for (const [msg, field, id] of want) assert.equal(num(msg, field), id, `${msg}.${field}`);
  });

  it('keeps the enum values of runtime.v1', () => {
    assert.equal(root.lookupEnum('runtime.v1.ContainerState').values.CONTAINER_EXITED, 2);
    assert.equal(root.lookupEnum('runtime.v1.PodSandboxState').values.SANDBOX_NOTREADY, 1);
    assert.equal(root.lookupEnum('runtime.v1.NamespaceMode').values.NODE, 2);
    assert.equal(root.lookupEnum('runtime.v1.MountPropagation').values.PROPAGATION_BIDIRECTIONAL, 2);
  });

  it('declares every RPC the ContainerRuntime interface uses', () => {
    const rt = root.lookupService('runtime.v1.RuntimeService').methods;
    for (const m of ['Version', 'Status', 'RunPodSandbox', 'StopPodSandbox', 'RemovePodSandbox', 'PodSandboxStatus', 'ListPodSandbox',
      'CreateContainer', 'StartContainer', 'StopContainer', 'RemoveContainer', 'ListContainers', 'ContainerStatus',
      'UpdateContainerResources', 'ReopenContainerLog', 'ExecSync', 'Exec', 'Attach', 'PortForward']) assert.ok(rt[m], m);
    const img = root.lookupService('runtime.v1.ImageService').methods;
    for (const m of ['ListImages', 'ImageStatus', 'PullImage', 'RemoveImage', 'ImageFsInfo']) assert.ok(img[m], m);
  });
});

describe('CRI client', () => {
  it('leaves network out of a sandbox status without an IP (hostNetwork)', () => {
    const base = { id: 'x', metadata: null, state: 'SANDBOX_READY' as const, createdAt: '1', labels: {}, annotations: {} };
    assert.equal(toSandboxStatus({ ...base, network: { ip: '', additionalIps: [] } }).network, undefined);
    assert.deepEqual(toSandboxStatus({ ...base, network: { ip: '10.1.0.2', additionalIps: [] } }).network, { ip: '10.1.0.2', additionalIps: [] });
    assert.deepEqual(toSandboxStatus({ ...base, network: null }).metadata, { name: '', uid: '', namespace: '', attempt: 0 });
  });

  it('fails with UNAVAILABLE, within its deadline, when nothing listens on the socket', async () => {
    const rt = connectCri('/tmp/k8ts-no-such-dir/containerd.sock', { timeoutMs: 2000 });
    const t0 = Date.now();
    try {
      await assert.rejects(rt.version(), (e: unknown) =>
        e instanceof CriError && e.method === 'Version' && (e.code === GrpcCode.UNAVAILABLE || e.code === GrpcCode.DEADLINE_EXCEEDED));
      assert.ok(Date.now() - t0 < 3000);
    } finally {
      rt.close();
    }
  });
});

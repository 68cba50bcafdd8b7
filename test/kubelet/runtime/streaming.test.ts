// exec through the kubelet-side splice (streaming.ts) onto containerd's real streaming server,
// spoken to by a WebSocket client with the channel.k8s.io protocol kubectl uses.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { proxyUpgrade } from '../../../src/kubelet/runtime/streaming.js';
import type { PodSandboxConfig } from '../../../src/kubelet/runtime/types.js';
import { startTestNode, type TestNode } from './node-fixture.js';

interface Session { protocol: string; frames: { channel: number; data: string }[]; closeCode: number }

/** A kubelet stand-in HTTP server whose upgrade handler splices onto `target()`. */
async function withProxy<T>(target: () => string, fn: (port: number) => Promise<T>): Promise<T> {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const splices: Promise<void>[] = [];
  server.on('upgrade', (req, socket, head) => splices.push(proxyUpgrade(req, socket, head, target())));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    return await fn((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await Promise.all(splices);
  }
}

function wsSession(url: string, protocols: string[], deadlineMs = 10_000): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    const frames: Session['frames'] = [];
    const timer = setTimeout(() => { ws.terminate(); reject(new Error(`no close within ${deadlineMs} ms`)); }, deadlineMs);
    ws.on('message', (d: Buffer) => { if (d.length > 1) frames.push({ channel: d[0]!, data: d.subarray(1).toString() }); });
    ws.on('unexpected-response', (_req, res) => { clearTimeout(timer); reject(new Error(`HTTP ${res.statusCode}`)); ws.terminate(); });
    ws.on('error', (err) => { clearTimeout(timer); reject(err); });
    ws.on('close', (code) => { clearTimeout(timer); resolve({ protocol: ws.protocol, frames, closeCode: code }); });
  });
}

describe('streaming through the kubelet splice to containerd', { timeout: 60_000 }, () => {
  let node: TestNode;
  let containerId = '';

  before(async () => {
    node = await startTestNode();
    const sb: PodSandboxConfig = {
      metadata: { name: 'stream', uid: 'uid-stream', namespace: 'default', attempt: 0 },
      hostname: 'stream', logDirectory: `${node.dir}/logs/stream`, linux: { cgroupParent: `${node.cgroupRoot}/poduid-stream` },
    };
    const sid = await node.runtime.runPodSandbox(sb);
    containerId = await node.runtime.createContainer(sid, {
      metadata: { name: 'c', attempt: 0 }, image: { image: node.busybox }, command: ['sleep', '600'], logPath: 'c/0.log',
    }, sb);
    await node.runtime.startContainer(containerId);
  });

  after(async () => {
    await node?.destroy();
  });

  it('carries exec stdout, stderr and the exit status over WebSocket (v4.channel.k8s.io)', async () => {
    const { url } = await node.runtime.exec({
      containerId, cmd: ['sh', '-c', 'echo out; echo err >&2; exit 2'], tty: false, stdin: false, stdout: true, stderr: true,
    });
    const s = await withProxy(() => url, (port) => wsSession(`ws://127.0.0.1:${port}/exec/default/stream/c`, ['v4.channel.k8s.io']));
    assert.equal(s.protocol, 'v4.channel.k8s.io');
    const on = (ch: number): string => s.frames.filter((f) => f.channel === ch).map((f) => f.data).join('');
    assert.equal(on(1), 'out\n');
    assert.equal(on(2), 'err\n');
    const status = JSON.parse(on(3));
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.equal(status.details.causes[0].message, '2');
  });

  it('answers 502 when the runtime streaming server cannot be reached', async () => {
    // A port nothing listens on: bind one, note it, close it.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const dead = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    await assert.rejects(
      withProxy(() => `http://127.0.0.1:${dead}/exec/x`, (port) => wsSession(`ws://127.0.0.1:${port}/exec/a/b/c`, ['v4.channel.k8s.io'])),
      /HTTP 502/,
    );
  });
});

// `k8ts hollow-nodes` as a process: registers its nodes through a kubeconfig, stops on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from '../client/cluster.js';
import { parseFlags } from '../../src/cmd/hollow-nodes.js';
import { NODES } from '../../src/hollownode/index.js';

const k8ts = join(dirname(fileURLToPath(import.meta.url)), '../../src/cmd/k8ts.js');

test('hollow-nodes flags: defaults, values and refusals', () => {
  const f = parseFlags(['--count', '3', '--name-prefix=fake-', '--zones', 'a, b', '--lease-renew', '2s', '--kubeconfig', '/k']);
  assert.deepEqual(f, { kubeconfig: '/k', count: 3, namePrefix: 'fake-', cpu: '8', memory: '32Gi', pods: 110, zones: ['a', 'b'], leaseRenewMs: 2000 });
  assert.throws(() => parseFlags([]), /--count/);
  assert.throws(() => parseFlags(['--count', 'x']), /--count/);
  assert.throws(() => parseFlags(['--count', '1', '--name-prefix', 'Bad_']), /name-prefix/);
  assert.throws(() => parseFlags(['--count', '1', '--bogus']), /unknown flag/);
});

test('k8ts hollow-nodes registers its nodes and exits cleanly on SIGTERM', async (t) => {
  const cluster = await startCluster();
  t.after(() => cluster.close());
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-hollow-cmd-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: t',
    'clusters:', `- name: t`, `  cluster:`, `    server: ${cluster.base}`,
    'users:', '- name: t', '  user: {}',
    'contexts:', '- name: t', '  context:', '    cluster: t', '    user: t', '',
  ].join('\n'));
  const child = spawn(process.execPath, [k8ts, 'hollow-nodes', '--kubeconfig', kubeconfig, '--count', '2', '--name-prefix', 'cmd-', '--lease-renew', '500ms'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  let err = '';
  child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const client = cluster.client();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const names = (await client.list(NODES)).items.map((n) => n.metadata.name).sort();
    if (names.join() === 'cmd-0,cmd-1' && err.includes('hollow nodes running')) break;
    assert.ok(Date.now() < deadline, `nodes not registered within 30 s; stderr: ${err}`);
    assert.equal(child.exitCode, null, `exited early: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
  assert.equal(code, 0, err);
});

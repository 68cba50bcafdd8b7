import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SERVICEACCOUNTS } from '../../src/controllers/base/resources.js';
import { startCluster, eventually, type TestCluster } from '../client/cluster.js';
import { createNamespace } from './harness.js';

const K8TS = fileURLToPath(new URL('../../src/cmd/k8ts.js', import.meta.url));
let c: TestCluster | undefined;
let child: ChildProcess | undefined;
after(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await c?.close();
});

test('`k8ts controller-manager` runs the chosen controllers against --master and stops cleanly on SIGTERM', async () => {
  c = await startCluster();
  const client = c.client();
  let stderr = '';
  child = spawn(process.execPath, [K8TS, 'controller-manager', '--master', c.base, '--kubeconfig', '/nonexistent', '--controllers', 'serviceaccount', '--leader-elect=false'], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
  await createNamespace(client, 'cmd-ns');
  await eventually(async () => (await client.list(SERVICEACCOUNTS, { namespace: 'cmd-ns' })).items.length === 1, 'default service account made by the child process', 15_000);
  assert.match(stderr, /"msg":"started controllers","controllers":\["serviceaccount"\]/);
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([exited, new Promise<string>((r) => { timer = setTimeout(() => r('timeout'), 10_000); })]);
  clearTimeout(timer);
  assert.equal(code, 0, `exit code (stderr: ${stderr.slice(-500)})`);
});

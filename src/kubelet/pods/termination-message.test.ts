import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod.js';
import type { Container } from '../../api/core/v1/container.js';
import type { ContainerStatus } from '../runtime/types.js';
import { terminationMessage, terminationMessageMount, terminationMessageHostPath, terminationMessageReader } from './termination-message.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-tm-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let seq = 0;
function run(over: Partial<ContainerStatus> & { restart?: number; name?: string } = {}): ContainerStatus {
  const { restart = 0, name = 'main', ...rest } = over;
  return {
    id: `c${++seq}`, metadata: { name, attempt: restart }, state: 'CONTAINER_EXITED', createdAt: '1', startedAt: '1', finishedAt: '2', exitCode: 0,
    image: { image: 'x' }, imageRef: 'x', reason: 'Completed', message: '', labels: { 'io.kubernetes.container.name': name },
    annotations: { 'io.kubernetes.container.restartCount': String(restart) }, logPath: '', ...rest,
  };
}
const spec = (over: Partial<Container> = {}): Container => ({ name: 'main', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ...over });
const criLog = (lines: string[]) => lines.map((l, i) => `2026-01-01T00:00:00.${String(i).padStart(9, '0')}Z ${i % 2 ? 'stderr' : 'stdout'} F ${l}\n`).join('');

test('mounts a fresh empty file per run at the container\'s terminationMessagePath', () => {
  const m = terminationMessageMount(dir, spec(), 3)!;
  assert.deepEqual(m, { containerPath: '/dev/termination-log', hostPath: terminationMessageHostPath(dir, 'main', 3), readonly: false });
  assert.equal(readFileSync(m.hostPath, 'utf8'), '');
  assert.equal(terminationMessageMount(dir, spec({ terminationMessagePath: '' }), 0), null);
});

test('reports what the container wrote, at most its last 4096 bytes', () => {
  terminationMessageMount(dir, spec(), 0);
  writeFileSync(terminationMessageHostPath(dir, 'main', 0), 'a'.repeat(100) + 'b'.repeat(4096));
  assert.equal(terminationMessage(dir, spec(), run()), 'b'.repeat(4096));
});

test('falls back to the last 80 log lines (2048 bytes at most) only on failure and an empty file', () => {
  const logPath = join(dir, 'main.log');
  writeFileSync(logPath, criLog(Array.from({ length: 100 }, (_, i) => `line ${i + 1}`)));
  terminationMessageMount(dir, spec(), 1);
  const fallback = spec({ terminationMessagePolicy: 'FallbackToLogsOnError' });
  const text = terminationMessage(dir, fallback, run({ restart: 1, exitCode: 1, logPath }));
  assert.equal(text.split('\n')[0], 'line 21');
  assert.equal(text.split('\n').filter(Boolean).length, 80);
  assert.equal(terminationMessage(dir, fallback, run({ restart: 1, exitCode: 0, logPath })), '', 'success: no fallback');
  assert.equal(terminationMessage(dir, spec(), run({ restart: 1, exitCode: 1, logPath })), '', 'policy File: no fallback');
  writeFileSync(logPath, criLog(Array.from({ length: 80 }, () => 'x'.repeat(100))));
  assert.equal(Buffer.byteLength(terminationMessage(dir, fallback, run({ restart: 1, exitCode: 1, logPath }))), 2048);
  writeFileSync(terminationMessageHostPath(dir, 'main', 1), 'from file');
  assert.equal(terminationMessage(dir, fallback, run({ restart: 1, exitCode: 1, logPath })), 'from file', 'the file wins over the log');
});

test('the reader answers only for exited runs of the pod\'s containers', () => {
  const pod = { metadata: { uid: 'u' }, spec: { containers: [spec()] } } as unknown as Pod;
  terminationMessageMount(dir, spec(), 7);
  writeFileSync(terminationMessageHostPath(dir, 'main', 7), 'done');
  const read = terminationMessageReader(pod, dir);
  assert.equal(read(run({ restart: 7 })), 'done');
  assert.equal(read(run({ restart: 7, state: 'CONTAINER_RUNNING' })), '');
  assert.equal(read(run({ restart: 7, name: 'other' })), '');
});

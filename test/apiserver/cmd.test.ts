// `k8ts apiserver` as a process: serves on the given port, writes a kubeconfig, stops on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from './harness.js';
import { parseFlags } from '../../src/cmd/apiserver.js';

const k8ts = join(dirname(fileURLToPath(import.meta.url)), '../../src/cmd/k8ts.js');

test('flags: defaults and the store spec derived from --data-dir', () => {
  const f = parseFlags(['--data-dir', '/x', '--port=7000']);
  assert.deepEqual(f, { store: 'sqlite:/x/store.db', bindAddress: '127.0.0.1', port: 7000, dataDir: '/x' });
  assert.equal(parseFlags([]).store, 'sqlite:/var/lib/k8ts/server/store.db');
  assert.throws(() => parseFlags(['--nope']));
});

test('k8ts apiserver serves, writes admin.kubeconfig and exits cleanly on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-cmd-test-'));
  const child = spawn(process.execPath, [k8ts, 'apiserver', '--port', '0', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line within 20 s: ${out}`)), 20_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) { clearTimeout(timer); resolve(m[1]!); }
      });
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited early with ${code}`)); });
    });
    const kc = readFileSync(join(dir, 'admin.kubeconfig'), 'utf8');
    assert.ok(kc.includes(`server: ${url}`), kc);
    const ns = await request(undefined, url, 'GET', '/api/v1/namespaces/kube-system');
    assert.equal(ns.status, 200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

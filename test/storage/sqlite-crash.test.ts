// Durability under kill -9: every write the store acknowledged is in the file after a crash, with
// the revision it was acknowledged with, and the revisions stay gap-free and increasing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';

const writerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-writer.js');
const RUNS = 6;

/** Runs the writer, kills it with SIGKILL after killAfterMs of writing, returns its acknowledged writes. */
function runAndKill(file: string, run: number, killAfterMs: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writerScript, file, String(run), '64'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`crash writer did not start within 10 s: ${err}`));
    }, 10_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (timer === undefined && out.startsWith('ready\n')) {
        clearTimeout(deadline);
        timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`crash writer exited by itself (code ${code}): ${err}`));
      const acked = new Map<string, number>();
      // The last line may be cut short by the kill: only complete lines count.
      for (const line of out.split('\n').slice(1, -1)) {
        const [key, rev] = line.split(' ');
        acked.set(key, Number(rev));
      }
      resolve(acked);
    });
  });
}

test('every acknowledged write survives kill -9, with its revision, and revisions stay gap-free', { timeout: 120_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-crash-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'store.db');
  let total = 0;
  for (let run = 0; run < RUNS; run++) {
    const killAfterMs = 50 + Math.floor(Math.random() * 450);
    const acked = await runAndKill(file, run, killAfterMs);
    total += acked.size;
    t.diagnostic(`run ${run}: killed after ${killAfterMs} ms with ${acked.size} writes acknowledged`);
    const store = openSqliteStore({ path: file, compactionIntervalMs: 0 });
    try {
      for (const [key, rev] of acked) {
        const { kv } = await store.get(key);
        assert.ok(kv, `run ${run} (killed after ${killAfterMs} ms): acknowledged ${key}@${rev} is missing`);
        assert.equal(kv.modRevision, rev, `${key} has revision ${kv.modRevision}, acknowledged as ${rev}`);
        assert.equal(kv.value.toString(), key.split('/').slice(2).join(':'));
      }
      // Only creates were made: the keys' revisions must be exactly 1..current, each once.
      const current = await store.currentRevision();
      const revs = (await store.list('/crash/')).kvs.map((kv) => kv.modRevision).sort((a, b) => a - b);
      assert.equal(revs.length, current, `run ${run}: ${current - revs.length} revisions missing`);
      revs.forEach((r, i) => assert.equal(r, i + 1, `run ${run}: revision gap at ${i + 1}`));
    } finally {
      await store.close();
    }
  }
  assert.ok(total > RUNS * 10, `the writer acknowledged only ${total} writes in ${RUNS} runs; the test proved little`);
});

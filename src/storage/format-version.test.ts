import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFormatError, ensureDataFormat, MARKER_FILE, readMarker } from './format-version.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-format-'));
  try { fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('an empty data dir gets the current format marker and later starts find it current', () => withDir((dir) => {
  assert.deepEqual(ensureDataFormat(dir, { version: '0.1.0' }), { action: 'created' });
  assert.deepEqual(readMarker(dir), { format: 1, writtenBy: 'k8ts 0.1.0' });
  assert.deepEqual(ensureDataFormat(dir, { version: '0.2.0' }), { action: 'current' });
}));

test('a data dir from before markers (format 0) with a store is migrated, keeping the store untouched', () => withDir((dir) => {
  writeFileSync(join(dir, 'store.db'), 'old data');
  assert.deepEqual(ensureDataFormat(dir, { version: '0.1.0' }), { action: 'migrated', from: 0 });
  assert.equal(readMarker(dir)?.format, 1);
  assert.equal(readFileSync(join(dir, 'store.db'), 'utf8'), 'old data');
}));

test('older formats run every migration step in order', () => withDir((dir) => {
  writeFileSync(join(dir, MARKER_FILE), JSON.stringify({ format: 1, writtenBy: 'k8ts 0.1.0' }));
  const steps: number[] = [];
  const res = ensureDataFormat(dir, { version: '0.3.0', current: 3, migrations: { 1: () => steps.push(1), 2: () => steps.push(2) } });
  assert.deepEqual(res, { action: 'migrated', from: 1 });
  assert.deepEqual(steps, [1, 2]);
  assert.deepEqual(readMarker(dir), { format: 3, writtenBy: 'k8ts 0.3.0' });
}));

test('a data dir written by a newer k8ts is refused with what to do, and left as it was', () => withDir((dir) => {
  const text = JSON.stringify({ format: 7, writtenBy: 'k8ts 9.0.0' });
  writeFileSync(join(dir, MARKER_FILE), text);
  assert.throws(() => ensureDataFormat(dir, { version: '0.1.0' }),
    (e: unknown) => e instanceof DataFormatError && /holds data format 7, written by k8ts 9\.0\.0; this k8ts 0\.1\.0 reads format 1 at most/.test(e.message));
  assert.equal(readFileSync(join(dir, MARKER_FILE), 'utf8'), text);
}));

test('an older format without a migration is refused, never reset', () => withDir((dir) => {
  writeFileSync(join(dir, MARKER_FILE), JSON.stringify({ format: 1, writtenBy: 'k8ts 0.1.0' }));
  assert.throws(() => ensureDataFormat(dir, { version: '0.5.0', current: 2, migrations: {} }), /has no migration from format 1/);
  assert.equal(readMarker(dir)?.format, 1);
}));

test('a marker that is not one is refused', () => withDir((dir) => {
  writeFileSync(join(dir, MARKER_FILE), 'garbage');
  assert.throws(() => ensureDataFormat(dir, { version: '0.1.0' }), /is not a k8ts data format marker/);
}));

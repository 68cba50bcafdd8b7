import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnDefinitions, table } from './table.js';
import { events } from '../../api/core/v1/events.js';
import { configmaps } from '../../api/core/v1/configmaps.js';
import type { KubeObject, ResourceDef } from '../../api/resource.js';

const now = Date.parse('2024-01-01T00:10:00Z');
const cmDef = configmaps as unknown as ResourceDef;
const evDef = events as unknown as ResourceDef;

test('prepends a NAME column to a table that does not declare one', () => {
  const cols = columnDefinitions(cmDef) as { name: string; format: string; priority: number }[];
  assert.deepEqual(cols.map((c) => c.name), ['Name', 'Data', 'Age']);
  assert.equal(cols[0]!.format, 'name');
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' }, data: { a: 'b' } } as KubeObject;
  const t = table(cmDef, [cm], { includeObject: 'None', version: 'v1', now }) as { rows: { cells: unknown[] }[] };
  assert.deepEqual(t.rows[0]!.cells, ['cfg', 1, '10m']);
});

test('keeps the events table as Kubernetes prints it: LAST SEEN first, NAME last and wide only', () => {
  const cols = columnDefinitions(evDef) as { name: string; format: string; priority: number }[];
  assert.deepEqual(cols.map((c) => c.name), ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']);
  assert.deepEqual(cols.filter((c) => c.format === 'name').map((c) => [c.name, c.priority]), [['Name', 1]]);
  const ev = {
    apiVersion: 'v1', kind: 'Event', metadata: { name: 'web-1.17a', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1' }, reason: 'Pulled', message: 'done', type: 'Normal',
    source: { component: 'kubelet' }, firstTimestamp: '2024-01-01T00:00:00Z', lastTimestamp: '2024-01-01T00:08:00Z', count: 3,
  } as unknown as KubeObject;
  const t = table(evDef, [ev], { includeObject: 'Metadata', version: 'v1', now }) as { rows: { cells: unknown[]; object: { metadata: { name: string } } }[] };
  assert.equal(t.rows[0]!.cells.length, cols.length, 'one cell per column');
  assert.deepEqual(t.rows[0]!.cells.slice(0, 4), ['2m', 'Normal', 'Pulled', 'pod/web-1']);
  assert.equal(t.rows[0]!.cells.at(-1), 'web-1.17a');
  assert.equal(t.rows[0]!.object.metadata.name, 'web-1.17a');
});

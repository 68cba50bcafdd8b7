import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walk } from '../../../apiserver/decode/schema-walk.js';
import { events, eventTable, type Event, validateEvent } from './events.js';

const messages = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);
const now = Date.parse('2024-01-01T00:10:00Z');

function ev(o: Record<string, unknown>): Event {
  return { apiVersion: 'v1', kind: 'Event', metadata: { name: 'web-1.17a', namespace: 'default' }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1' }, ...o } as Event;
}

test('a kubelet-style event decodes strictly and validates', () => {
  const real = {
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: 'web-1.17a8d3', namespace: 'default', uid: 'u', resourceVersion: '9', creationTimestamp: '2024-01-01T00:00:00Z' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'p', apiVersion: 'v1', resourceVersion: '5', fieldPath: 'spec.containers{web}' },
    reason: 'Pulled', message: 'Container image "nginx" already present on machine', source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2024-01-01T00:00:00Z', lastTimestamp: '2024-01-01T00:08:00Z', count: 3, type: 'Normal',
    eventTime: null, reportingComponent: 'kubelet', reportingInstance: 'node-1',
  };
  assert.deepEqual(walk(real, events.schema, { dropUnknown: false }), { unknown: [], mismatches: [] });
  assert.deepEqual(validateEvent(real as unknown as Event), []);
});

test('an old-style event must live in its object namespace', () => {
  assert.deepEqual(messages(validateEvent(ev({ involvedObject: { kind: 'Pod', namespace: 'other', name: 'x' } }))),
    ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
});

test('a new-style event (eventTime set) needs reporting fields, action and reason', () => {
  assert.deepEqual(messages(validateEvent(ev({ eventTime: '2024-01-01T00:00:00.000000Z' }))), [
    'reportingComponent: Required value',
    // Kubernetes also runs the qualified-name check on the empty value.
    'reportingComponent: Invalid value: "": name part must be non-empty',
    "reportingComponent: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    'reportingInstance: Required value',
    'action: Required value',
    'reason: Required value',
  ]);
});

test('the row has all ten columns, last seen first and name last; count defaults to 1', () => {
  const row = eventTable.cells(ev({ reason: 'Scheduled', message: ' Successfully assigned ', type: 'Normal', eventTime: '2024-01-01T00:09:00.000000Z', reportingComponent: 'default-scheduler' }), now);
  assert.deepEqual(row, ['60s', 'Normal', 'Scheduled', 'pod/web-1', '', 'default-scheduler', 'Successfully assigned', '60s', 1, 'web-1.17a']);
  assert.deepEqual(eventTable.columns.filter((c) => c.priority === 0).map((c) => c.name.toUpperCase()), ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
  assert.equal(eventTable.includesName, true);
  const series = eventTable.cells(ev({ firstTimestamp: '2024-01-01T00:00:00Z', series: { count: 7, lastObservedTime: '2024-01-01T00:09:30.000000Z' } }), now);
  assert.equal(series[0], '30s');
  assert.equal(series[8], 7);
});

test('field selectors cover involvedObject, reason, source, type and reportingComponent', () => {
  const e = ev({ reason: 'Killing', type: 'Warning', source: { component: 'kubelet' }, reportingComponent: 'kubelet' });
  const f = events.fieldSelectors!;
  assert.equal(f['involvedObject.name']!(e), 'web-1');
  assert.equal(f['involvedObject.kind']!(e), 'Pod');
  assert.equal(f['involvedObject.uid']!(e), '');
  assert.equal(f.reason!(e), 'Killing');
  assert.equal(f.type!(e), 'Warning');
  assert.equal(f.source!(e), 'kubelet');
  assert.equal(f.reportingComponent!(e), 'kubelet');
});

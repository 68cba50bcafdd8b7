import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecord } from '../auth/types.js';
import { fileAuditSink } from './file-sink.js';
import { microTime } from './event.js';
import { METADATA_POLICY, parseAuditPolicy } from './policy.js';

const RECEIVED = Date.UTC(2026, 10, 26, 5, 0, 0, 123);
function record(p: Partial<AuditRecord> = {}): AuditRecord {
  return {
    auditID: 'a1', user: { username: 'alice', groups: ['system:authenticated'] },
    attrs: { user: { username: 'alice', groups: [] }, verb: 'get', resourceRequest: true, path: '/api/v1/namespaces/default/pods/p', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', namespace: 'default', name: 'p' },
    verb: 'get', requestURI: '/api/v1/namespaces/default/pods/p', sourceIPs: ['127.0.0.1'], userAgent: 'kubectl/v1.32', code: 200,
    received: RECEIVED, completed: RECEIVED + 5, decision: { allowed: true, reason: 'RBAC: allowed' }, ...p,
  };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-audit-'));
  try { await fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

test('timestamps are RFC 3339 with microseconds', () => {
  assert.equal(microTime(RECEIVED), '2026-11-26T05:00:00.123000Z');
});

test('a request is one audit.k8s.io/v1 Event line per stage with Kubernetes\' fields', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'audit.log');
    const sink = fileAuditSink({ path, policy: METADATA_POLICY });
    sink.record(record());
    await sink.close!();
    const [received, complete] = lines(path);
    assert.equal(received.stage, 'RequestReceived');
    assert.equal(received.responseStatus, undefined);
    assert.deepEqual(complete, {
      kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: 'a1', stage: 'ResponseComplete',
      requestURI: '/api/v1/namespaces/default/pods/p', verb: 'get', user: { username: 'alice', groups: ['system:authenticated'] },
      sourceIPs: ['127.0.0.1'], userAgent: 'kubectl/v1.32',
      objectRef: { resource: 'pods', namespace: 'default', name: 'p', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 200 },
      requestReceivedTimestamp: '2026-11-26T05:00:00.123000Z', stageTimestamp: '2026-11-26T05:00:00.128000Z',
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed' },
    });
  });
});

test('level None writes nothing and omitted stages are left out', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'audit.log');
    const policy = parseAuditPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n  - level: None\n    resources: [{ group: "", resources: [configmaps] }]\n  - level: Metadata\n');
    const sink = fileAuditSink({ path, policy });
    sink.record(record({ attrs: { ...record().attrs!, resource: 'configmaps' } }));
    sink.record(record({ auditID: 'a2' }));
    await sink.close!();
    assert.deepEqual(lines(path).map((e) => [e.auditID, e.stage]), [['a2', 'ResponseComplete']]);
  });
});

test('past maxSizeBytes the log is renamed aside and a new one begun, keeping maxBackups', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'audit.log');
    let t = RECEIVED;
    const sink = fileAuditSink({ path, maxSizeBytes: 1500, maxBackups: 2, now: () => (t += 1000) });
    for (let i = 0; i < 12; i++) sink.record(record({ auditID: `id-${i}` }));
    await sink.close!();
    const files = readdirSync(dir).sort();
    assert.equal(files.length, 3, files.join(' '));
    assert.ok(files.every((f) => f === 'audit.log' || /^audit-2026-11-26T05-00-\d\d\.\d{3}\.log$/.test(f)), files.join(' '));
    const ids = lines(path).map((e) => e.auditID);
    assert.equal(ids[ids.length - 1], 'id-11', 'the newest events are in the live file');
  });
});

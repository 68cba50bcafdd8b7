// The log backend: one audit.k8s.io/v1 Event per line, to a file or stdout. Writes go through a
// stream (the request never waits for the disk); past maxSizeBytes the file is renamed aside with
// a timestamp, as kube-apiserver's --audit-log-maxsize does, keeping maxBackups of them.
import { createWriteStream, openSync, renameSync, statSync, readdirSync, unlinkSync, type WriteStream } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { AuditRecord, AuditSink } from '../auth/types.js';
import { auditEvent, type AuditEvent } from './event.js';
import { evaluatePolicy, METADATA_POLICY, type AuditPolicy, type AuditStage } from './policy.js';

export interface FileAuditSinkOptions {
  /** A file path, or "-" for stdout. */
  path: string;
  policy?: AuditPolicy;
  /** Rotate once the file is this large (default: never). */
  maxSizeBytes?: number;
  /** Rotated files to keep (default: all). */
  maxBackups?: number;
  /** Time for rotated names (tests). */
  now?: () => number;
}

/** The events a finished request produces under the policy (none at level None). */
export function eventsFor(policy: AuditPolicy, r: AuditRecord): AuditEvent[] {
  const path = r.requestURI.split('?')[0];
  const { level, omitStages } = evaluatePolicy(policy, { user: r.user, attrs: r.attrs, verb: r.verb, path });
  if (level === 'None') return [];
  // A failed authentication ends before a response is under way: Kubernetes logs it as ResponseStarted.
  const last: AuditStage = r.code === 401 && !r.user ? 'ResponseStarted' : 'ResponseComplete';
  const stages: AuditStage[] = ['RequestReceived', last];
  return stages.filter((s) => !omitStages.includes(s)).map((s) => auditEvent(r, level, s));
}

function backupName(path: string, at: number): string {
  const ext = extname(path);
  const stamp = new Date(at).toISOString().replace(/:/g, '-').replace('Z', '');
  return join(dirname(path), `${basename(path, ext)}-${stamp}${ext}`);
}

export function fileAuditSink(o: FileAuditSinkOptions): AuditSink {
  const policy = o.policy ?? METADATA_POLICY;
  const now = o.now ?? Date.now;
  const toStdout = o.path === '-';
  let stream: WriteStream | null = null;
  let size = 0;
  let closed = false;
  const open = () => {
    // Opened now (not when the stream gets round to it) so the file exists for a rotation right away.
    stream = createWriteStream('', { fd: openSync(o.path, 'a') });
    stream.on('error', (err) => process.stderr.write(JSON.stringify({ component: 'audit', msg: 'audit log write failed', path: o.path, err: String(err) }) + '\n'));
    try { size = statSync(o.path).size; } catch { size = 0; }
  };
  const pruneBackups = () => {
    if (o.maxBackups === undefined) return;
    const ext = extname(o.path);
    const stem = `${basename(o.path, ext)}-`;
    const dir = dirname(o.path);
    const old = readdirSync(dir).filter((f) => f.startsWith(stem) && f.endsWith(ext)).sort();
    for (const f of old.slice(0, Math.max(0, old.length - o.maxBackups))) unlinkSync(join(dir, f));
  };
  const rotate = () => {
    // Data already handed to the old stream still lands in the renamed file (same inode).
    stream?.end();
    renameSync(o.path, backupName(o.path, now()));
    pruneBackups();
    open();
  };
  const write = (text: string) => {
    if (toStdout) { process.stdout.write(text); return; }
    if (!stream) open();
    if (o.maxSizeBytes && size > 0 && size + Buffer.byteLength(text) > o.maxSizeBytes) rotate();
    stream!.write(text);
    size += Buffer.byteLength(text);
  };
  return {
    record(r) {
      if (closed) return;
      const events = eventsFor(policy, r);
      if (events.length) write(events.map((e) => JSON.stringify(e) + '\n').join(''));
    },
    async close() {
      closed = true;
      const s = stream;
      stream = null;
      if (s) await new Promise<void>((resolve) => s.end(() => resolve()));
    },
  };
}

// Reading container logs in the CRI format containerd writes ("<RFC3339Nano> <stream> <P|F> <text>",
// P marking a partial line continued by the next record) as `kubectl logs` asks for them: --tail,
// --timestamps, --since-time, --limit-bytes. The base of the later containerLogs endpoint.
export interface LogLine { time: string; stream: 'stdout' | 'stderr'; text: string }

/** Joins partial records into whole lines; malformed records are skipped. */
export function parseCriLog(content: string): LogLine[] {
  const out: LogLine[] = [];
  let pending: LogLine | null = null;
  for (const rec of content.split('\n')) {
    if (!rec) continue;
    const m = /^(\S+) (stdout|stderr) ([PF]) ?(.*)$/.exec(rec);
    if (!m) continue;
    const [, time, stream, tag, text] = m as unknown as [string, string, 'stdout' | 'stderr', string, string];
    if (pending && pending.stream === stream) pending.text += text;
    else pending = { time, stream, text };
    if (tag === 'F') { out.push(pending); pending = null; }
  }
  if (pending) out.push(pending);
  return out;
}

export interface LogOptions { tailLines?: number; timestamps?: boolean; sinceTime?: string; limitBytes?: number }

export function renderLogs(lines: LogLine[], o: LogOptions = {}): string {
  let sel = lines;
  if (o.sinceTime) {
    const since = Date.parse(o.sinceTime);
    sel = sel.filter((l) => Date.parse(l.time) >= since);
  }
  if (o.tailLines !== undefined && o.tailLines >= 0) sel = o.tailLines === 0 ? [] : sel.slice(-o.tailLines);
  let text = sel.map((l) => `${o.timestamps ? `${l.time} ` : ''}${l.text}\n`).join('');
  if (o.limitBytes !== undefined && Buffer.byteLength(text) > o.limitBytes) text = Buffer.from(text).subarray(0, o.limitBytes).toString('utf8');
  return text;
}

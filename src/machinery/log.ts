// Structured logs: one JSON line per event on stderr (journald keeps each line as one entry), with
// a level and klog's verbosity: `--v=N` shows info events logged at V(N) or lower. Components keep
// their `log(msg, fields)` shape; `logFn` adapts a Logger to it.
export type Level = 'error' | 'warn' | 'info';

export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  /** Info events that show only at verbosity >= level (klog's V(level).Info). */
  v(level: number): { info(msg: string, fields?: Record<string, unknown>): void; enabled: boolean };
  /** A logger whose every line carries these fields too. */
  with(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  write?: (line: string) => void;
  now?: () => Date;
  /** Fixed verbosity; default: the process-wide one (setVerbosity). */
  verbosity?: () => number;
}

let processVerbosity = 0;

/** Sets the process-wide verbosity (from `--v` or V= in a config file). */
export function setVerbosity(level: number): void {
  if (!Number.isInteger(level) || level < 0) throw new Error(`verbosity must be a non-negative integer, got ${level}`);
  processVerbosity = level;
}

export function verbosity(): number {
  return processVerbosity;
}

export function createLogger(component: string, opts: LoggerOptions = {}, base: Record<string, unknown> = {}): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  const now = opts.now ?? (() => new Date());
  const current = opts.verbosity ?? verbosity;
  const emit = (level: Level, v: number | undefined, msg: string, fields?: Record<string, unknown>) => {
    // ts, level, component and msg first and never overwritten by fields: every line parses alike.
    const line: Record<string, unknown> = { ts: now().toISOString(), level, component, msg };
    if (v !== undefined && v > 0) line.v = v;
    for (const [k, val] of Object.entries({ ...base, ...fields })) {
      if (!(k in line)) line[k] = val instanceof Error ? val.message : val;
    }
    write(`${JSON.stringify(line)}\n`);
  };
  return {
    error: (msg, fields) => emit('error', undefined, msg, fields),
    warn: (msg, fields) => emit('warn', undefined, msg, fields),
    info: (msg, fields) => emit('info', undefined, msg, fields),
    v(level) {
      const enabled = current() >= level;
      return { enabled, info: (msg, fields) => { if (enabled) emit('info', level, msg, fields); } };
    },
    with: (fields) => createLogger(component, opts, { ...base, ...fields }),
  };
}

/** The `(msg, fields) => void` shape components take, writing info lines through a Logger. */
export function logFn(logger: Logger): (msg: string, fields?: Record<string, unknown>) => void {
  return (msg, fields) => logger.info(msg, fields);
}

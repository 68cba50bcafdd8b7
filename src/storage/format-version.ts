// The data directory's format marker. A data dir carries `k8ts-data-format.json` saying which
// on-disk format it holds; every start checks it before the store is opened, so an upgrade either
// migrates old state explicitly or refuses with a message — never starts over on top of it. (The
// SQLite store file carries its own schema version too; schema.ts checks that one.)
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DATA_FORMAT = 1;
export const MARKER_FILE = 'k8ts-data-format.json';

export interface Marker {
  format: number;
  /** The k8ts that last wrote the marker (for the operator reading an error, not for decisions). */
  writtenBy: string;
}

/** Steps from format N to N+1, applied in order. Format 0 is a data dir from before markers
 *  existed: its layout is format 1's, so its migration only records the marker. */
export type Migration = (dir: string) => void;
export const MIGRATIONS: Record<number, Migration> = {
  0: () => undefined,
};

export type FormatCheck =
  | { action: 'created' }
  | { action: 'current' }
  | { action: 'migrated'; from: number };

export interface CheckOptions {
  /** This build's version, recorded in the marker. */
  version: string;
  current?: number;
  migrations?: Record<number, Migration>;
}

export class DataFormatError extends Error {
  override name = 'DataFormatError';
}

export function markerPath(dir: string): string {
  return join(dir, MARKER_FILE);
}

export function readMarker(dir: string): Marker | null {
  const path = markerPath(dir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DataFormatError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let m: unknown;
  try { m = JSON.parse(text); } catch { m = null; }
  const format = (m as Marker | null)?.format;
  if (!Number.isInteger(format) || (format as number) < 0) {
    throw new DataFormatError(`${path} is not a k8ts data format marker (expected {"format": N, ...}); refusing to guess what ${dir} holds — restore it from a backup or move the directory away`);
  }
  return { format: format as number, writtenBy: String((m as Marker).writtenBy ?? 'unknown') };
}

function writeMarker(dir: string, m: Marker): void {
  // Written aside and renamed, so a crash never leaves a half-written marker.
  const tmp = `${markerPath(dir)}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(m)}\n`, { mode: 0o644 });
  renameSync(tmp, markerPath(dir));
}

/**
 * Checks (and records) the format of `dir` before anything in it is opened. An empty or new
 * directory gets the current marker; an older format is migrated step by step; a newer one, or an
 * older one without a migration, is refused with what to do.
 */
export function ensureDataFormat(dir: string, opts: CheckOptions): FormatCheck {
  const current = opts.current ?? DATA_FORMAT;
  const migrations = opts.migrations ?? MIGRATIONS;
  const here = `k8ts ${opts.version}`;
  let marker = readMarker(dir);
  if (marker === null) {
    const hasState = existsSync(dir) && readdirSync(dir).length > 0;
    if (!hasState) {
      writeMarker(dir, { format: current, writtenBy: here });
      return { action: 'created' };
    }
    marker = { format: 0, writtenBy: 'a k8ts without data format markers' };
  }
  if (marker.format === current) return { action: 'current' };
  if (marker.format > current) {
    throw new DataFormatError(`${dir} holds data format ${marker.format}, written by ${marker.writtenBy}; this ${here} reads format ${current} at most. Run the newer k8ts (downgrades are not supported) or restore a backup made before the upgrade`);
  }
  const from = marker.format;
  for (let f = from; f < current; f++) {
    const step = migrations[f];
    if (!step) {
      throw new DataFormatError(`${dir} holds data format ${from}, written by ${marker.writtenBy}; ${here} (format ${current}) has no migration from format ${f}. Upgrade through an intermediate k8ts release, or export the cluster's objects and start with an empty data dir`);
    }
    step(dir);
    writeMarker(dir, { format: f + 1, writtenBy: here });
  }
  return { action: 'migrated', from };
}

// Lists read in packed chunks: one SQLite row per chunk of keys instead of one row per key.
//
// Why: profiling a list of 10,000 × 1 KiB values showed the SQL itself is cheap (~5 ms); the cost
// is crossing into JavaScript per row: better-sqlite3 builds a row object, converts every column
// through the V8 API, and gives each value its own Buffer (its own ArrayBuffer, ~2 µs each). Here
// SQLite aggregates a chunk into one row: the metadata as one JSON text (parsed in one call) and
// every value concatenated into one BLOB, which JavaScript slices into views (no copy).
//
// Correctness rests on two SQLite facts, both checked where they matter:
// - group_concat over a BLOB keeps its bytes unchanged (UTF-8 database: a BLOB read as text is not
//   transcoded, NULs included), so the concatenation is the values' bytes back to back, and
//   length(value) gives each one's share. The lengths must add up to the packed BLOB; checked.
// - An aggregate over an ordered subquery (ORDER BY ... LIMIT cannot be flattened into it) sees the
//   rows in that order. The metadata and the values come from the same pass, so they always agree
//   with each other; key order is checked and restored with a sort if SQLite ever differs.
import type { KeyValue } from '../types.js';

/** Rows per chunk when a list is read in chunks. SQLite refuses strings/BLOBs over 1e9 bytes:
 *  256 × 1.5 MiB (the value limit) stays under it. */
export const PACKED_CHUNK_ROWS = 256;

/**
 * Wraps a SELECT that yields `id, key, value, create_revision, version, ttl` into one that returns
 * its whole result as a single packed row. Keys are joined by U+001F, which keys may not contain
 * (validate.ts refuses control characters); the numbers are one flat JSON array, five per key.
 * Without ORDER BY/LIMIT the inner SELECT is flattened into the aggregate (one pass, no copy of
 * each row into a subquery); with them it yields one chunk.
 */
export function packedSelect(inner: string): string {
  return `SELECT count(*) AS n,
    group_concat(key, char(31)) AS keys,
    '[' || group_concat(id || ',' || create_revision || ',' || version || ',' || ttl || ',' || length(value)) || ']' AS numbers,
    CAST(group_concat(value, '') AS BLOB) AS packed
  FROM (${inner})`;
}

export interface PackedRow {
  n: number;
  keys: string | null;
  numbers: string | null;
  packed: Buffer | null;
}

/** Appends the packed row's key-values to out, in key order; returns the number appended. */
export function unpack(row: PackedRow, out: KeyValue[]): number {
  if (row.n === 0) return 0;
  const keys = (row.keys as string).split('\x1f');
  const numbers = JSON.parse(row.numbers as string) as number[];
  const packed = row.packed as Buffer;
  if (keys.length !== row.n || numbers.length !== row.n * 5) {
    throw new Error(`packed list is inconsistent: ${row.n} rows, ${keys.length} keys, ${numbers.length / 5} metadata entries`);
  }
  const start = out.length;
  let offset = 0;
  let sorted = true;
  let previous = '';
  for (let i = 0, j = 0; i < keys.length; i++, j += 5) {
    const key = keys[i]!;
    const length = numbers[j + 4]!;
    const kv: KeyValue = {
      key,
      value: packed.subarray(offset, offset + length),
      createRevision: numbers[j + 1]!,
      modRevision: numbers[j]!,
      version: numbers[j + 2]!,
    };
    const ttl = numbers[j + 3]!;
    if (ttl > 0) kv.ttlSeconds = ttl;
    out.push(kv);
    offset += length;
    if (key <= previous) sorted = false;
    previous = key;
  }
  if (offset !== packed.length) throw new Error(`packed list is inconsistent: values take ${offset} of ${packed.length} bytes`);
  if (!sorted) {
    const chunk = out.splice(start).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const kv of chunk) out.push(kv);
  }
  return keys.length;
}

export interface PackedReads {
  /** The whole range (from its start, no limit) as one packed row. */
  whole(): PackedRow | undefined;
  /** Up to n rows from lo (exclusive when after), as one packed row. */
  chunk(lo: string, after: boolean, n: number): PackedRow | undefined;
}

/**
 * Up to `want` key-values from lo (exclusive when after) in key order. The whole range, from its
 * start and without a limit, is read in one pass; should that exceed SQLite's 1e9-byte limit on one BLOB (SQLITE_TOOBIG, a
 * list of hundreds of MiB), or with a limit, it is read in chunks of PACKED_CHUNK_ROWS.
 * Callers run this synchronously: no write lands between chunks, so they form one snapshot.
 */
export function readPacked(reads: PackedReads, lo: string, after: boolean, want: number): KeyValue[] {
  const kvs: KeyValue[] = [];
  if (want === Infinity && !after) {
    try {
      const row = reads.whole();
      if (row) unpack(row, kvs);
      return kvs;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_TOOBIG') throw err;
    }
  }
  for (;;) {
    const n = Math.min(PACKED_CHUNK_ROWS, want - kvs.length);
    const row = reads.chunk(lo, after, n);
    const got = row ? unpack(row, kvs) : 0;
    if (got < n || kvs.length >= want) return kvs;
    lo = kvs[kvs.length - 1]!.key;
    after = true;
  }
}

// The shape of a `log` row as the statements select it, and its translation to the Store's words.
import type { KeyValue, WatchEvent } from '../types.js';

/** Columns every statement that returns a key-value selects (aliased when joined). */
export const KV_COLUMNS = 'id, key, value, create_revision, version, ttl';

export interface KvRow {
  id: number;
  key: string;
  value: Buffer;
  create_revision: number;
  version: number;
  ttl: number;
}

export interface LogRow extends KvRow {
  deleted: number;
}

/** A log row joined with the row it superseded (p_* are null when there is none). */
export interface EventRow extends LogRow {
  p_id: number | null;
  p_value: Buffer | null;
  p_create_revision: number | null;
  p_version: number | null;
  p_ttl: number | null;
}

export function toKeyValue(row: KvRow): KeyValue {
  const kv: KeyValue = {
    key: row.key,
    value: row.value,
    createRevision: row.create_revision,
    modRevision: row.id,
    version: row.version,
  };
  if (row.ttl > 0) kv.ttlSeconds = row.ttl;
  return kv;
}

/** The kv a delete event carries: etcd's tombstone shape (no value, no create revision, version 0). */
export function tombstone(key: string, revision: number): KeyValue {
  return { key, value: Buffer.alloc(0), createRevision: 0, modRevision: revision, version: 0 };
}

export function toWatchEvent(row: EventRow): WatchEvent {
  const prevKv =
    row.p_id === null
      ? null
      : toKeyValue({
          id: row.p_id,
          key: row.key,
          value: row.p_value as Buffer,
          create_revision: row.p_create_revision as number,
          version: row.p_version as number,
          ttl: row.p_ttl as number,
        });
  if (row.deleted) return { type: 'delete', kv: tombstone(row.key, row.id), prevKv };
  return { type: 'put', kv: toKeyValue(row), prevKv };
}

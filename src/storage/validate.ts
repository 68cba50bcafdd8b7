// Checks every backend applies before a write touches disk, so both refuse the same input alike.
import { MAX_KEY_BYTES, MAX_VALUE_BYTES, StoreError } from './types.js';

export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new StoreError('InvalidKey', 'key must be a non-empty string');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new StoreError('InvalidKey', `key is longer than ${MAX_KEY_BYTES} bytes`);
  if (!key.startsWith('/')) throw new StoreError('InvalidKey', `key ${JSON.stringify(key)} must start with "/"`);
  // Control characters and NUL would make range scans ambiguous.
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new StoreError('InvalidKey', `key ${JSON.stringify(key)} contains control characters`);
}

export function assertValidValue(value: Buffer): void {
  if (!Buffer.isBuffer(value)) throw new StoreError('InvalidKey', 'value must be a Buffer');
  if (value.length > MAX_VALUE_BYTES) {
    throw new StoreError('TooLarge', `value is ${value.length} bytes; the limit is ${MAX_VALUE_BYTES} bytes`);
  }
}

export function assertValidTtl(ttlSeconds: number | undefined): void {
  if (ttlSeconds === undefined) return;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 0) throw new StoreError('InvalidKey', 'ttlSeconds must be a non-negative integer');
}

/** The smallest string greater than every string that starts with prefix (for range ends). */
export function prefixEnd(prefix: string): string {
  return prefix + '\uffff';
}

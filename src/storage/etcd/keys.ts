// Key layout in etcd: every Store key is stored as <prefix><key>, so several clusters can share one
// etcd. Range ends are computed on bytes (etcd compares keys as bytes), not on JS strings.

/** The smallest byte string greater than every byte string that starts with `prefix`. */
export function bytesPrefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  // All 0xff (or empty): etcd's convention for "to the end of the keyspace".
  return Buffer.from([0]);
}

export class KeyCodec {
  private readonly prefixBuf: Buffer;
  constructor(readonly prefix: string) {
    this.prefixBuf = Buffer.from(prefix);
  }

  encode(key: string): Buffer {
    return Buffer.from(this.prefix + key);
  }

  decode(raw: Buffer): string {
    return raw.subarray(this.prefixBuf.length).toString();
  }

  /** The etcd range [key, rangeEnd) of every Store key starting with `prefix`. Store keys all
   *  start with "/", so an empty prefix scans "<prefix>/…" and never sees our own meta keys. */
  range(prefix: string): { key: Buffer; rangeEnd: Buffer } {
    const start = this.encode(prefix === '' ? '/' : prefix);
    return { key: start, rangeEnd: bytesPrefixEnd(start) };
  }

  /** Start of a range that resumes strictly after `startAfter` (the next key in byte order). */
  after(startAfter: string): Buffer {
    return Buffer.concat([this.encode(startAfter), Buffer.from([0])]);
  }
}

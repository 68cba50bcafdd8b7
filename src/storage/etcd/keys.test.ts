import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesPrefixEnd, KeyCodec } from './keys.js';

describe('bytesPrefixEnd', () => {
  it('increments the last byte so the range covers exactly the keys with the prefix', () => {
    assert.deepEqual(bytesPrefixEnd(Buffer.from('/a/')), Buffer.from('/a0'));
  });
  it('drops trailing 0xff bytes before incrementing', () => {
    assert.deepEqual(bytesPrefixEnd(Buffer.from([0x61, 0xff, 0xff])), Buffer.from([0x62]));
  });
  it('returns etcd\'s "to the end" marker when no byte can be incremented', () => {
    assert.deepEqual(bytesPrefixEnd(Buffer.from([0xff])), Buffer.from([0]));
  });
});

describe('KeyCodec', () => {
  const keys = new KeyCodec('/cluster-a');
  it('stores keys under the prefix and strips it when reading back', () => {
    assert.equal(keys.encode('/pods/x').toString(), '/cluster-a/pods/x');
    assert.equal(keys.decode(Buffer.from('/cluster-a/pods/x')), '/pods/x');
  });
  it('keeps a range inside the prefix, so one cluster never lists another\'s keys', () => {
    const r = keys.range('/pods/');
    assert.equal(r.key.toString(), '/cluster-a/pods/');
    assert.equal(r.rangeEnd.toString(), '/cluster-a/pods0');
    const all = keys.range('');
    assert.equal(all.key.toString(), '/cluster-a/');
    assert.equal(all.rangeEnd.toString(), '/cluster-a0');
    // A neighbouring cluster's key ("/cluster-ab" + "/x") sorts after the end of this range.
    assert.ok(Buffer.compare(Buffer.from('/cluster-ab/x'), all.rangeEnd) >= 0);
  });
  it('resumes strictly after a key', () => {
    const start = keys.after('/pods/a');
    assert.ok(Buffer.compare(start, keys.encode('/pods/a')) > 0);
    assert.ok(Buffer.compare(start, keys.encode('/pods/a0')) < 0);
    assert.ok(Buffer.compare(start, keys.encode('/pods/a\u0001')) <= 0);
  });
  it('handles multi-byte UTF-8 keys by their bytes', () => {
    const k = new KeyCodec('');
    assert.equal(k.decode(k.encode('/ns/é')), '/ns/é');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreError } from '../types.js';
import { toKeyValue, toStoreError } from './convert.js';
import { KeyCodec } from './keys.js';

describe('toStoreError', () => {
  it('maps etcd\'s compacted and future revision errors by their messages', () => {
    assert.equal(toStoreError(new Error('etcdserver: mvcc: required revision has been compacted'), 'get').code, 'Compacted');
    assert.equal(toStoreError(new Error('etcdserver: mvcc: required revision is a future revision'), 'get').code, 'FutureRevision');
    assert.equal(toStoreError(new Error('etcdserver: request is too large'), 'put').code, 'TooLarge');
  });
  it('reports connection failures and unknown errors as Unavailable, keeping the cause', () => {
    const e = toStoreError(new Error('14 UNAVAILABLE: No connection established'), 'get /a');
    assert.equal(e.code, 'Unavailable');
    assert.match(e.message, /No connection established/);
  });
  it('passes StoreErrors through unchanged', () => {
    const original = new StoreError('Conflict', 'x');
    assert.equal(toStoreError(original, 'update'), original);
  });
});

describe('toKeyValue', () => {
  const keys = new KeyCodec('/p');
  it('converts etcd\'s int64 strings to numbers and strips the prefix', () => {
    const kv = toKeyValue(
      { key: Buffer.from('/p/a'), value: Buffer.from('v'), create_revision: '5', mod_revision: '9', version: '3', lease: '0' },
      keys,
      () => undefined,
    );
    assert.deepEqual(kv, { key: '/a', value: Buffer.from('v'), createRevision: 5, modRevision: 9, version: 3 });
  });
  it('reports the TTL of the key\'s lease when it is known', () => {
    const kv = toKeyValue(
      { key: Buffer.from('/p/a'), value: Buffer.from(''), create_revision: '1', mod_revision: '1', version: '1', lease: '77' },
      keys,
      (id) => (id === '77' ? 30 : undefined),
    );
    assert.equal(kv.ttlSeconds, 30);
  });
});

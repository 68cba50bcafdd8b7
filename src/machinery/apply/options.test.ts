import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateWriteOptions } from './options.js';

test('apply without a fieldManager is 422 on PatchOptions, worded as Kubernetes', () => {
  const e = validateWriteOptions('PatchOptions', { isApply: true });
  assert.equal(e?.code, 422);
  assert.equal(e?.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
});

test('force on a non-apply patch is forbidden; fine on apply', () => {
  assert.match(validateWriteOptions('PatchOptions', { force: false })!.message, /force: Forbidden: may not be specified for non-apply patch/);
  assert.equal(validateWriteOptions('PatchOptions', { isApply: true, fieldManager: 'kubectl', force: true }), undefined);
});

test('field managers must be printable and at most 128 bytes', () => {
  assert.match(validateWriteOptions('UpdateOptions', { fieldManager: 'x'.repeat(129) })!.message, /^UpdateOptions.meta.k8s.io "" is invalid: fieldManager: Too long/);
  assert.match(validateWriteOptions('CreateOptions', { fieldManager: 'a\u0007' })!.message, /invalid character U\+0007 \(at position 1\)/);
  assert.equal(validateWriteOptions('CreateOptions', { fieldManager: 'kubectl-create' }), undefined);
});

// The checks kube-apiserver runs on fieldManager/force before any write (ValidatePatchOptions,
// ValidateFieldManager): apply needs a fieldManager, force is only for apply, names are printable
// and at most 128 bytes. Failures are 422 Invalid on the options kind, e.g.
// `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch`.
import type { ApiError } from '../errors.js';
import { fieldErrors, invalidError, type FieldError } from '../field-errors.js';
import { FIELD_MANAGER_MAX_LENGTH, isPrintable } from './server-side-apply.js';

export interface WriteOptions {
  fieldManager?: string;
  /** The `force` query parameter as sent (undefined when absent). */
  force?: boolean;
  /** True for application/apply-patch+yaml. */
  isApply?: boolean;
}

export function validateWriteOptions(kind: 'PatchOptions' | 'CreateOptions' | 'UpdateOptions', opts: WriteOptions): ApiError | undefined {
  const errs: FieldError[] = [];
  if (kind === 'PatchOptions') {
    if (!opts.isApply && opts.force !== undefined) errs.push(fieldErrors.forbidden('force', 'may not be specified for non-apply patch'));
    if (opts.isApply && !opts.fieldManager) errs.push(fieldErrors.required('fieldManager', 'is required for apply patch'));
  }
  const fm = opts.fieldManager ?? '';
  if (Buffer.byteLength(fm) > FIELD_MANAGER_MAX_LENGTH) errs.push(fieldErrors.tooLong('fieldManager', FIELD_MANAGER_MAX_LENGTH));
  let i = 0;
  for (const ch of fm) {
    if (!isPrintable(ch)) {
      const cp = ch.codePointAt(0)!;
      errs.push(fieldErrors.invalid('fieldManager', fm, `invalid character U+${cp.toString(16).toUpperCase().padStart(4, '0')} (at position ${i})`));
    }
    i += Buffer.byteLength(ch);
  }
  return errs.length ? invalidError(kind, '', errs, 'meta.k8s.io') : undefined;
}

// Server-side apply and managed-fields tracking: what the API server calls on every write.
export {
  serverSideApply, trackUpdate, trackCreate, managerFromUserAgent, managerOrUserAgent, parseApplyBody, FIELD_MANAGER_MAX_LENGTH,
  type ApplyOptions, type TrackUpdateOptions,
} from './server-side-apply.js';
export { type ManagedFieldsEntry, BEFORE_FIRST_APPLY_MANAGER, ANCIENT_CHANGES_MANAGER, DEFAULT_MAX_UPDATE_MANAGERS } from './managed-fields.js';
export { FieldSet, formatPath } from './field-set.js';
export { validateWriteOptions, type WriteOptions } from './options.js';
export { isPrintable, LAST_APPLIED_ANNOTATION } from './server-side-apply.js';

// Query parameters of list and watch requests, checked as kube-apiserver checks them.
import type { KubeObject } from '../../api/resource.js';
import { errors } from '../../machinery/errors.js';
import type { ServedResource } from '../context.js';
import { unsupportedFieldError, unknownFieldSelectorError } from '../../machinery/fields/selector.js';
import { parseLabelSelector, parseFieldSelector, fieldMatcher, type FieldReq } from '../selectors.js';

export interface ListParams {
  labelSelector: string;
  fieldSelector: string;
  limit: number;
  continueToken: string;
  resourceVersion: string | null;
  resourceVersionMatch: string;
  watch: boolean;
  allowWatchBookmarks: boolean;
  timeoutSeconds: number | null;
  sendInitialEvents: boolean | null;
  filter: ((obj: KubeObject) => boolean) | null;
  fieldReqs: FieldReq[];
}

function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

/** Field value for a selector: metadata.name/namespace everywhere, plus the resource's own. */
export function fieldValue(r: ServedResource, obj: KubeObject, field: string): string | undefined {
  if (field === 'metadata.name') return obj.metadata.name ?? '';
  if (field === 'metadata.namespace') return obj.metadata.namespace ?? '';
  const getter = r.def.fieldSelectors?.[field];
  return getter ? getter(obj as never) ?? '' : undefined;
}

export function parseListParams(r: ServedResource, q: URLSearchParams, extraFieldSelector?: string): ListParams {
  const labelSelector = q.get('labelSelector') ?? '';
  let fieldSelector = q.get('fieldSelector') ?? '';
  if (extraFieldSelector) fieldSelector = fieldSelector ? `${fieldSelector},${extraFieldSelector}` : extraFieldSelector;
  const limitRaw = q.get('limit');
  let limit = 0;
  if (limitRaw !== null && limitRaw !== '') {
    // Go parses a base-10 int64: "0x10", "1e3" and values past 2^63 are errors there.
    limit = /^-?\d{1,18}$/.test(limitRaw) ? Number(limitRaw) : NaN;
    if (!Number.isInteger(limit)) throw errors.badRequest(`limit: Invalid value: "${limitRaw}": must be an integer`);
    if (limit < 0) limit = 0;
  }
  const continueToken = q.get('continue') ?? '';
  const resourceVersion = q.get('resourceVersion');
  const resourceVersionMatch = q.get('resourceVersionMatch') ?? '';
  const watch = boolParam(q, 'watch');
  if (resourceVersion !== null && resourceVersion !== '' && !/^\d+$/.test(resourceVersion)) {
    throw errors.badRequest(`resourceVersion: Invalid value: "${resourceVersion}": must be a non-negative integer`);
  }
  if (resourceVersionMatch) {
    if (resourceVersionMatch !== 'Exact' && resourceVersionMatch !== 'NotOlderThan') {
      throw errors.badRequest(`resourceVersionMatch: Unsupported value: "${resourceVersionMatch}": supported values: "Exact", "NotOlderThan", ""`);
    }
    if (watch) throw errors.badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch');
    if (!resourceVersion) throw errors.badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (continueToken) throw errors.badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided');
    if (resourceVersionMatch === 'Exact' && resourceVersion === '0') throw errors.badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  }
  if (continueToken && resourceVersion && resourceVersion !== '0' && !watch) {
    throw errors.badRequest('specifying resource version is not allowed when using continue');
  }
  const timeoutRaw = q.get('timeoutSeconds');
  let timeoutSeconds: number | null = null;
  if (timeoutRaw !== null && timeoutRaw !== '') {
    timeoutSeconds = Number(timeoutRaw);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0) throw errors.badRequest(`timeoutSeconds: Invalid value: "${timeoutRaw}"`);
  }
  const sie = q.get('sendInitialEvents');
  const labelMatch = parseLabelSelector(labelSelector);
  const fieldReqs = parseFieldSelector(fieldSelector);
  for (const f of fieldReqs) {
    if (f.field !== 'metadata.name' && f.field !== 'metadata.namespace' && !r.def.fieldSelectors?.[f.field]) {
      // Kubernetes words it by whether the type has field-label conversions of its own.
      throw r.def.fieldSelectors ? unsupportedFieldError(f.field) : unknownFieldSelectorError(f.field);
    }
  }
  const fieldMatch = fieldMatcher(fieldReqs);
  let filter: ((obj: KubeObject) => boolean) | null = null;
  if (labelMatch || fieldMatch) {
    filter = (obj) => (!labelMatch || labelMatch(obj.metadata.labels)) && (!fieldMatch || fieldMatch((f) => fieldValue(r, obj, f)));
  }
  return {
    labelSelector, fieldSelector, limit, continueToken, resourceVersion, resourceVersionMatch, watch,
    allowWatchBookmarks: boolParam(q, 'allowWatchBookmarks'), timeoutSeconds,
    sendInitialEvents: sie === null || sie === '' ? null : sie === 'true',
    filter, fieldReqs,
  };
}

/** The only name a field selector pins (`metadata.name=x`), for single-key reads. */
export function pinnedName(reqs: FieldReq[]): string | undefined {
  return reqs.find((f) => f.field === 'metadata.name' && f.op === '=')?.value;
}
export function pinnedNamespace(reqs: FieldReq[]): string | undefined {
  return reqs.find((f) => f.field === 'metadata.namespace' && f.op === '=')?.value;
}

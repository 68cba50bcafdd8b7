// managedFields bookkeeping on every non-apply write (create, update, patch), done by the
// machinery's field-ownership tracker.
import type { TSchema } from '@sinclair/typebox';
import type { KubeObject, ResourceDef } from '../../api/resource.js';
import { trackCreate, trackUpdate } from '../../machinery/apply/index.js';
import { rfc3339 } from './strategy.js';

export interface TrackArgs {
  def: ResourceDef;
  obj: KubeObject;
  old: KubeObject | null;
  manager: string;
  apiVersion: string;
  subresource?: string;
  now: number;
}

/** Fields a writer never owns through this endpoint (Kubernetes' reset fields). */
export function ignoredFieldsFor(def: ResourceDef, subresource: string | undefined): string[][] | undefined {
  if (!def.subresources?.status) return undefined;
  if (subresource === 'status') return [['spec']];
  if (subresource === undefined) return [['status']];
  return undefined;
}

/**
 * Returns obj with managedFields recording this manager's changes. A create (no old object)
 * changes obj in place and returns it: the caller owns it (the decoded request body).
 */
export function trackManagedFields(a: TrackArgs): KubeObject {
  if (a.old === null) {
    return trackCreate({
      updated: a.obj, manager: a.manager, schema: a.def.schema as TSchema, apiVersion: a.apiVersion, now: rfc3339(a.now),
      subresource: a.subresource, ignoredFields: ignoredFieldsFor(a.def, a.subresource),
    }) as KubeObject;
  }
  const sub = a.subresource === 'scale' || a.subresource === 'finalize' ? a.subresource : a.subresource;
  return trackUpdate({
    old: a.old,
    updated: a.obj,
    manager: a.manager,
    schema: a.def.schema as TSchema,
    apiVersion: a.apiVersion,
    now: rfc3339(a.now),
    subresource: sub,
    ignoredFields: ignoredFieldsFor(a.def, a.subresource),
  }) as KubeObject;
}

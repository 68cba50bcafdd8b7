// Server-side apply (PATCH with application/apply-patch+yaml): the machinery merges the applied
// configuration under field ownership (409 on conflicts unless force); this runs it inside the
// server's read-modify-write loop and creates the object when it is missing.
import type { KubeObject } from '../../api/resource.js';
import { ApiError, errors } from '../../machinery/errors.js';
import { serverSideApply as applyConfig } from '../../machinery/apply/index.js';
import type { RequestContext } from '../context.js';
import { decodeTyped, type FieldValidation } from '../decode/index.js';
import { writeJson } from '../http.js';
import { clone } from '../storage/codec.js';
import { ignoredFieldsFor } from './managed-fields.js';
import { rfc3339 } from './strategy.js';
import { updateObject, type WriteOptions } from './writes.js';

type Obj = KubeObject;

export async function serverSideApply(rc: RequestContext, patch: unknown, o: WriteOptions & { fieldValidation: FieldValidation }): Promise<void> {
  const fm = rc.query.get('fieldManager');
  if (!fm) {
    throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
      kind: 'PatchOptions', group: 'meta.k8s.io', causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
    });
  }
  const forceRaw = rc.query.get('force');
  if (forceRaw !== null && forceRaw !== 'true' && forceRaw !== 'false' && forceRaw !== '') throw errors.badRequest(`force: Invalid value: "${forceRaw}"`);
  const force = forceRaw === 'true';
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw errors.badRequest('error decoding YAML: the apply configuration must be an object');
  const rawApiVersion = (patch as { apiVersion?: unknown }).apiVersion;
  const rawKind = (patch as { kind?: unknown }).kind;
  if (rawApiVersion !== rc.r.apiVersion || rawKind !== rc.r.def.kind) {
    if (typeof rawKind !== 'string' || rawKind === '') throw errors.badRequest('Object \'Kind\' is missing in apply patch');
    throw errors.badRequest(`Incorrect version specified in apply patch. Specified patch version: ${typeof rawApiVersion === 'string' ? rawApiVersion : ''}, expected: ${rc.r.apiVersion}`);
  }
  const d = decodeTyped(patch, { schema: rc.r.def.schema, kind: rc.r.def.kind, apiVersion: rc.r.apiVersion, fieldValidation: o.fieldValidation });
  rc.warnings.push(...d.warnings);
  const applied = d.obj as Obj;
  if (applied.metadata.name !== undefined && applied.metadata.name !== rc.name) {
    throw errors.badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${rc.name})`);
  }
  if (rc.r.def.namespaced && applied.metadata.namespace !== undefined && applied.metadata.namespace !== rc.namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const opts: WriteOptions = { ...o, fieldManager: fm, operation: 'Apply' };
  const run = (live: Obj | null): Obj => {
    const cfg = clone(applied);
    const wantRv = cfg.metadata.resourceVersion;
    delete cfg.metadata.resourceVersion;
    const out = applyConfig({
      live, applied: cfg, manager: fm, force, schema: rc.r.def.schema, apiVersion: rc.r.apiVersion,
      now: rfc3339(rc.ctx.clock.now()), subresource: rc.subresource, ignoredFields: ignoredFieldsFor(rc.r.def, rc.subresource),
    }) as Obj;
    if (!out.metadata) out.metadata = {};
    if (wantRv) out.metadata.resourceVersion = wantRv;
    else if (live) out.metadata.resourceVersion = live.metadata.resourceVersion;
    else delete out.metadata.resourceVersion;
    return out;
  };
  const res = await updateObject(rc, {
    name: rc.name!,
    mutate: (cur) => run(cur),
    subresource: rc.subresource,
    createIfMissing: async () => {
      if (rc.subresource) return undefined;
      if (applied.metadata.resourceVersion) {
        throw errors.conflict(rc.r.def.plural, rc.name!, 'the object has been modified; please apply your changes to the latest version and try again', rc.r.def.group);
      }
      const c = run(null);
      c.metadata.name = rc.name;
      return c;
    },
  }, opts);
  writeJson(rc.res, res.created ? 201 : 200, res.obj, rc.warnings);
}

// One function per REST verb: parse the request, run the operation, write the answer.
import type { KubeObject } from '../../api/resource.js';
import { errors } from '../../machinery/errors.js';
import type { RequestContext } from '../context.js';
import { decodeTyped, parseBody, parseFieldValidation, mediaType, type FieldValidation } from '../decode/index.js';
import { readBody, writeJson } from '../http.js';
import { clone, writtenJson } from '../storage/codec.js';
import { parseListParams } from './list-options.js';
import { applyPatchBody, PATCH_TYPES } from './patch.js';
import { getObject, listObjects } from './reads.js';
import { listBody } from './list-body.js';
import { managerFromUserAgent } from '../../machinery/apply/index.js';
import { bindPod, scaleReplicas, setPath, toScale } from './subresources.js';
import { negotiateOutput, table, partialMetadata } from './table.js';
import { serveWatch } from './watch.js';
import { settleNamespace, createObject, updateObject, deleteObject, validateDeleteOptions, allowsCreateOnUpdate, allowsUnconditionalUpdate, type WriteOptions, type DeleteOptions } from './writes.js';
import { serverSideApply } from './apply.js';
import { invalidError } from '../../machinery/field-errors.js';
import { objectKey } from '../storage/keys.js';
import { Scale, SCALE_API_VERSION } from '../../api/autoscaling/v1/scale.js';

type Obj = KubeObject;

function dryRunOf(q: URLSearchParams): boolean {
  const all = q.getAll('dryRun');
  for (const v of all) if (v !== 'All' && v !== '') throw errors.badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return all.includes('All');
}

function writeOptions(rc: RequestContext): WriteOptions & { fieldValidation: FieldValidation } {
  const fm = rc.query.get('fieldManager');
  if (fm !== null && fm.length > 128) throw errors.badRequest('fieldManager: Too long: may not be more than 128 bytes');
  return {
    dryRun: dryRunOf(rc.query),
    fieldManager: fm || managerFromUserAgent(rc.req.headers['user-agent']),
    fieldValidation: parseFieldValidation(rc.query.get('fieldValidation')),
  };
}

async function body(rc: RequestContext): Promise<Buffer> {
  if (!rc.body) rc.body = await readBody(rc.req);
  return rc.body;
}

/** Objects to create or replace come as JSON, YAML or protobuf; a patch media type (or an
 *  unparseable Content-Type such as ";;;") is a 415, as kube-apiserver's serializer negotiation answers. */
function checkObjectMediaType(contentType: string | undefined): void {
  if (contentType === undefined || contentType.trim() === '') return;
  const mt = mediaType(contentType);
  if (!mt.includes('/') || (PATCH_TYPES as readonly string[]).includes(mt)) throw errors.unsupportedMediaType(mt);
}

async function typedBody(rc: RequestContext, fv: FieldValidation): Promise<Obj> {
  checkObjectMediaType(rc.req.headers['content-type']);
  const buf = await body(rc);
  const value = parseBody(buf, rc.req.headers['content-type'], { protobuf: rc.ctx.protobuf, schemaFor: rc.ctx.schemaFor });
  const d = decodeTyped(value, { schema: rc.r.def.schema, kind: rc.r.def.kind, apiVersion: rc.r.apiVersion, fieldValidation: fv });
  rc.warnings.push(...d.warnings);
  return d.obj as Obj;
}

function respondObject(rc: RequestContext, code: number, obj: Obj, json?: string): void {
  const out = negotiateOutput(rc.req, rc.query);
  if (out.as === 'Table') {
    writeJson(rc.res, code, table(rc.r.def, [obj], { includeObject: out.includeObject, version: out.version, now: rc.ctx.clock.now(), resourceVersion: obj.metadata.resourceVersion }), rc.warnings);
    return;
  }
  if (out.as === 'PartialObjectMetadata') {
    writeJson(rc.res, code, partialMetadata(obj, out.version), rc.warnings);
    return;
  }
  writeJson(rc.res, code, json ?? obj, rc.warnings);
}

export async function handleGet(rc: RequestContext): Promise<void> {
  const got = await getObject(rc, rc.name!);
  respondObject(rc, 200, got.obj, got.json);
}

export async function handleList(rc: RequestContext): Promise<void> {
  const p = parseListParams(rc.r, rc.query, rc.name !== undefined ? `metadata.name=${rc.name}` : undefined);
  const out = negotiateOutput(rc.req, rc.query);
  if (p.watch) {
    await serveWatch(rc, p, out);
    return;
  }
  const list = await listObjects(rc, p);
  if (out.as === 'Table') {
    writeJson(rc.res, 200, table(rc.r.def, list.items.map((i) => i.obj), { includeObject: out.includeObject, version: out.version, now: rc.ctx.clock.now(), resourceVersion: list.resourceVersion, continue: list.continue }), rc.warnings);
    return;
  }
  const meta: Record<string, unknown> = { resourceVersion: list.resourceVersion };
  if (list.continue) meta.continue = list.continue;
  if (out.as === 'PartialObjectMetadata') {
    writeJson(rc.res, 200, { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${out.version}`, metadata: meta, items: list.items.map((i) => partialMetadata(i.obj, out.version)) }, rc.warnings);
    return;
  }
  // Items are written as JSON text so cached (and stored) objects are never re-encoded.
  const head = `{"kind":${JSON.stringify(rc.r.def.listKind)},"apiVersion":${JSON.stringify(rc.r.apiVersion)},"metadata":${JSON.stringify(meta)},"items":[`;
  writeJson(rc.res, 200, listBody(head, list.items), rc.warnings);
}

/** Writes an object as a response with the request's negotiated form (for custom subresources). */
export function respond(rc: RequestContext, code: number, obj: Obj): void {
  respondObject(rc, code, obj);
}

/** The request body decoded as the given resource's kind (for custom subresources). */
export function decodeBody(rc: RequestContext): Promise<Obj> {
  return typedBody(rc, writeOptions(rc).fieldValidation);
}

export async function handleCreate(rc: RequestContext): Promise<void> {
  const o = writeOptions(rc);
  const obj = await typedBody(rc, o.fieldValidation);
  const compute = rc.r.hooks?.compute;
  if (compute) {
    // A computed resource (a review): nothing is stored; the answer is the object with its status.
    settleNamespace(rc, obj);
    rc.r.def.defaults?.(obj);
    const errs = rc.r.def.validate?.(obj) ?? [];
    if (errs.length) throw invalidError(rc.r.def.kind, obj.metadata?.name ?? '', errs, rc.r.def.group);
    respondObject(rc, 201, await compute(obj, rc));
    return;
  }
  const created = await createObject(rc, obj, o);
  respondObject(rc, 201, created, writtenJson(created));
}

export async function handleUpdate(rc: RequestContext): Promise<void> {
  const o = writeOptions(rc);
  const sub = rc.subresource;
  const desired = await typedBody(rc, o.fieldValidation);
  if (sub === 'finalize') {
    const res = await updateObject(rc, {
      name: rc.name!,
      mutate: (cur) => {
        const fins = ((desired.spec as { finalizers?: string[] } | undefined)?.finalizers) ?? [];
        const next = clone(cur);
        next.spec = { ...((next.spec as object) ?? {}), finalizers: fins };
        if (desired.metadata.resourceVersion) next.metadata.resourceVersion = desired.metadata.resourceVersion;
        return next;
      },
      subresource: 'finalize',
    }, o);
    respondObject(rc, 200, res.obj, writtenJson(res.obj));
    return;
  }
  if (!desired.metadata.resourceVersion && !allowsUnconditionalUpdate(rc.r)) {
    const exists = (await rc.ctx.store.get(objectKey(rc.r.def, rc.namespace, rc.name!))).kv;
    if (exists) throw invalidError(rc.r.def.kind, rc.name!, [{ type: 'FieldValueInvalid', field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' }], rc.r.def.group);
  }
  const res = await updateObject(rc, {
    name: rc.name!,
    mutate: () => {
      const next = clone(desired);
      if (next.metadata.namespace === undefined && rc.namespace) next.metadata.namespace = rc.namespace;
      return next;
    },
    subresource: sub,
    createIfMissing: sub === undefined && allowsCreateOnUpdate(rc.r) ? async () => {
      const c = clone(desired);
      delete c.metadata.resourceVersion;
      // The same name check as an update: a PUT to "a" must not create "b" (or a nameless object).
      if (c.metadata.name !== rc.name) {
        throw errors.badRequest(c.metadata.name
          ? `the name of the object (${c.metadata.name}) does not match the name on the URL (${rc.name})`
          : `the name of the object (${rc.name} based on URL) was undeterminable: name must be provided`);
      }
      return c;
    } : undefined,
  }, o);
  respondObject(rc, res.created ? 201 : 200, res.obj, writtenJson(res.obj));
}

export async function handlePatch(rc: RequestContext): Promise<void> {
  const o = writeOptions(rc);
  const mt = mediaType(rc.req.headers['content-type']);
  if (!PATCH_TYPES.includes(mt)) throw errors.unsupportedMediaType(mt);
  const buf = await body(rc);
  const patch = parseBody(buf, mt === 'application/apply-patch+yaml' ? 'application/yaml' : 'application/json');
  if (mt === 'application/apply-patch+yaml') {
    await serverSideApply(rc, patch, o);
    return;
  }
  const schema = rc.r.def.schema;
  const res = await updateObject(rc, {
    name: rc.name!,
    mutate: async (cur) => {
      const before = clone(cur);
      const patched = (await applyPatchBody(mt, before, patch, schema)) as Obj;
      // The patched object must still be a valid object of this kind.
      const d = decodeTyped(patched, { schema, kind: rc.r.def.kind, apiVersion: rc.r.apiVersion, fieldValidation: o.fieldValidation });
      for (const w of d.warnings) if (!rc.warnings.includes(w)) rc.warnings.push(w);
      const out = d.obj as Obj;
      // A resourceVersion in the patch is a precondition; otherwise the patch applies to what is stored.
      const patchRv = (patch as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
      if (mt !== 'application/json-patch+json' && typeof patchRv !== 'string') out.metadata.resourceVersion = cur.metadata.resourceVersion;
      return out;
    },
    subresource: rc.subresource,
  }, o);
  respondObject(rc, 200, res.obj, writtenJson(res.obj));
}

async function deleteOptionsOf(rc: RequestContext): Promise<DeleteOptions> {
  const q = rc.query;
  const o: DeleteOptions = { dryRun: dryRunOf(q) };
  const buf = await body(rc);
  if (buf.length && buf.toString('utf8').trim() !== '') {
    const v = parseBody(buf, rc.req.headers['content-type']) as Record<string, unknown>;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw errors.badRequest('the body of the request must be a DeleteOptions object');
    if (v.kind !== undefined && v.kind !== 'DeleteOptions') throw errors.badRequest(`the kind in the data (${String(v.kind)}) does not match the expected kind (DeleteOptions)`);
    // Wrong types are decoding errors (400), as Go's decoder of DeleteOptions answers; before this
    // check a body like {"gracePeriodSeconds":"x"} deleted the object with default options.
    const wrong = (field: string, ok: boolean) => { if (!ok) throw errors.badRequest(`DeleteOptions: ${field}: wrong type in the request body`); };
    wrong('gracePeriodSeconds', v.gracePeriodSeconds == null || Number.isInteger(v.gracePeriodSeconds));
    wrong('propagationPolicy', v.propagationPolicy == null || typeof v.propagationPolicy === 'string');
    wrong('orphanDependents', v.orphanDependents == null || typeof v.orphanDependents === 'boolean');
    wrong('preconditions', v.preconditions == null || (typeof v.preconditions === 'object' && !Array.isArray(v.preconditions)));
    wrong('dryRun', v.dryRun == null || (Array.isArray(v.dryRun) && v.dryRun.every((x) => typeof x === 'string')));
    for (const d of (v.dryRun as string[] | undefined) ?? []) if (d !== 'All') throw errors.badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
    if (typeof v.gracePeriodSeconds === 'number') o.gracePeriodSeconds = v.gracePeriodSeconds;
    if (typeof v.propagationPolicy === 'string') o.propagationPolicy = v.propagationPolicy;
    if (typeof v.orphanDependents === 'boolean') o.orphanDependents = v.orphanDependents;
    if (v.preconditions && typeof v.preconditions === 'object') o.preconditions = v.preconditions as DeleteOptions['preconditions'];
    if (Array.isArray(v.dryRun) && v.dryRun.includes('All')) o.dryRun = true;
  }
  const g = q.get('gracePeriodSeconds');
  if (g !== null && g !== '') {
    const n = Number(g);
    if (!Number.isInteger(n)) throw errors.badRequest(`gracePeriodSeconds: Invalid value: "${g}"`);
    o.gracePeriodSeconds = n;
  }
  const pp = q.get('propagationPolicy');
  if (pp) o.propagationPolicy = pp;
  const od = q.get('orphanDependents');
  if (od) o.orphanDependents = od === 'true';
  validateDeleteOptions(o);
  return o;
}

/** Resources whose DELETE answers with the object rather than a Status (ReturnDeletedObject). */
const RETURNS_DELETED_OBJECT = new Set(['pods', 'services', 'namespaces', 'serviceaccounts', 'storageclasses.storage.k8s.io']);

export async function handleDelete(rc: RequestContext): Promise<void> {
  const o = await deleteOptionsOf(rc);
  const res = await deleteObject(rc, rc.name!, o);
  const def = rc.r.def;
  if (!res.deleted || RETURNS_DELETED_OBJECT.has(rc.r.qualified)) {
    respondObject(rc, 200, res.obj);
    return;
  }
  const details: Record<string, unknown> = { name: rc.name, kind: def.plural, uid: res.obj.metadata.uid };
  if (def.group) details.group = def.group;
  writeJson(rc.res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details }, rc.warnings);
}

export async function handleDeleteCollection(rc: RequestContext): Promise<void> {
  const o = await deleteOptionsOf(rc);
  const p = parseListParams(rc.r, rc.query);
  const list = await listObjects(rc, { ...p, limit: 0, continueToken: '', resourceVersion: null, resourceVersionMatch: '' });
  const deleted: Obj[] = [];
  for (const item of list.items) {
    const sub: RequestContext = { ...rc, namespace: item.obj.metadata.namespace ?? rc.namespace };
    try {
      const res = await deleteObject(sub, item.obj.metadata.name!, o);
      deleted.push(res.obj);
    } catch (err) {
      if ((err as { reason?: string }).reason === 'NotFound') continue;
      throw err;
    }
  }
  writeJson(rc.res, 200, { kind: rc.r.def.listKind, apiVersion: rc.r.apiVersion, metadata: { resourceVersion: String(await rc.ctx.store.currentRevision()) }, items: deleted }, rc.warnings);
}

// --- scale -----------------------------------------------------------------------------------

export async function handleScale(rc: RequestContext, method: string): Promise<void> {
  const scale = rc.r.def.subresources?.scale;
  if (!scale) throw errors.pathNotFound();
  if (method === 'GET') {
    const got = await getObject(rc, rc.name!);
    writeJson(rc.res, 200, toScale(got.obj, scale), rc.warnings);
    return;
  }
  const o = writeOptions(rc);
  const buf = await body(rc);
  let mt = mediaType(rc.req.headers['content-type']);
  if (method === 'PATCH' && !PATCH_TYPES.includes(mt)) throw errors.unsupportedMediaType(mt);
  if (mt === 'application/apply-patch+yaml') mt = 'application/merge-patch+json';
  const input = parseBody(buf, method === 'PATCH' && rc.req.headers['content-type']?.includes('yaml') ? 'application/yaml' : method === 'PATCH' ? 'application/json' : rc.req.headers['content-type'], { protobuf: rc.ctx.protobuf, schemaFor: rc.ctx.schemaFor });
  const asScale = (v: unknown): unknown => {
    const d = decodeTyped(v, { schema: Scale, kind: 'Scale', apiVersion: SCALE_API_VERSION, fieldValidation: o.fieldValidation });
    for (const w of d.warnings) if (!rc.warnings.includes(w)) rc.warnings.push(w);
    return d.obj;
  };
  const res = await updateObject(rc, {
    name: rc.name!,
    mutate: async (cur) => {
      let desired: unknown = method === 'PATCH' ? input : asScale(input);
      if (method === 'PATCH') desired = asScale(await applyPatchBody(mt, toScale(cur, scale), input, Scale));
      const { replicas, resourceVersion } = scaleReplicas(rc.name!, desired);
      const next = clone(cur);
      setPath(next as Record<string, unknown>, scale.specReplicas, replicas);
      next.metadata.resourceVersion = method === 'PATCH' ? (resourceVersion ?? cur.metadata.resourceVersion) : resourceVersion;
      if (next.metadata.resourceVersion === undefined) delete next.metadata.resourceVersion;
      return next;
    },
    subresource: 'scale',
  }, o);
  writeJson(rc.res, 200, toScale(res.obj, scale), rc.warnings);
}

// --- binding ---------------------------------------------------------------------------------

export async function handleBinding(rc: RequestContext, podName: string | undefined): Promise<void> {
  const o = writeOptions(rc);
  const buf = await body(rc);
  const b = parseBody(buf, rc.req.headers['content-type'], { protobuf: rc.ctx.protobuf, schemaFor: rc.ctx.schemaFor }) as { metadata?: { name?: string } };
  const name = podName ?? b?.metadata?.name;
  if (!name) throw errors.badRequest('the Binding has no metadata.name');
  await bindPod(rc, name, b, o.dryRun);
  writeJson(rc.res, 201, BINDING_CREATED, rc.warnings);
}

/** The answer to every successful binding, encoded once. */
const BINDING_CREATED = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });


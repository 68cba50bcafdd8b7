// pods/eviction (POST policy/v1 Eviction; policy/v1beta1 accepted): a pod deletion that honours the
// PodDisruptionBudget covering the pod, as Kubernetes' EvictionREST does.
//   - Pods that already disrupt nothing (Pending, Succeeded, Failed, terminating) are deleted directly.
//   - More than one budget: 500, the eviction subresource does not support it. None: delete.
//   - An unready pod goes without spending the budget when its policy is AlwaysAllow, or when the
//     budget is already met (IfHealthyBudget); the delete then carries the pod's resourceVersion as
//     a precondition, so a pod that turned ready meanwhile is not lost (429, try again).
//   - Otherwise the budget's status is checked and decremented in one compare-and-swap (the pod is
//     recorded in status.disruptedPods so the controller does not count it), retried on conflict;
//     no disruption left is 429 TooManyRequests with a DisruptionBudget cause, which clients
//     (kubectl drain) retry.
// The pod gets the DisruptionTarget condition before it is deleted. Writes made here on the
// requester's behalf are the server's own: admission ran once, for CREATE pods/eviction.
import type { TSchema } from '@sinclair/typebox';
import type { KubeObject } from '../../api/resource.js';
import { ApiError, errors } from '../../machinery/errors.js';
import type { RequestContext, ServedResource } from '../context.js';
import { readBody, writeJson } from '../http.js';
import { parseBody } from '../decode/index.js';
import { decodeKv, clone } from '../storage/codec.js';
import { objectKey, namespacePrefix } from '../storage/keys.js';
import { deleteObject, updateObject, validateDeleteOptions, type DeleteOptions } from '../rest/writes.js';
import { runAdmission } from '../auth/admission.js';
import { Eviction } from '../openapi/extra-types.js';
import {
  type PodDisruptionBudget, ALWAYS_ALLOW, DISRUPTION_BUDGET_CAUSE, MAX_DISRUPTED_POD_SIZE,
  budgetCoversPod, updateDisruptionAllowedCondition, rfc3339,
} from '../../api/policy/v1/index.js';

export const PDB_PATH = 'policy/v1/poddisruptionbudgets';
const EVICTION_VERSIONS = ['policy/v1', 'policy/v1beta1'];
export const VIOLATES_BUDGET = "Cannot evict pod as it would violate the pod's disruption budget.";
/** Kubernetes' EvictionsRetry: 20 attempts on conflict. */
const EVICTION_RETRIES = 20;

interface PodLike extends KubeObject {
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string; lastProbeTime?: string | null }[] };
}

interface EvictionBody {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  deleteOptions?: Record<string, unknown> | null;
}

function tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
  const details: { causes: { reason: string; message: string }[]; retryAfterSeconds?: number } = { causes: [{ reason: DISRUPTION_BUDGET_CAUSE, message }] };
  if (retryAfterSeconds) details.retryAfterSeconds = retryAfterSeconds;
  return new ApiError(429, 'TooManyRequests', VIOLATES_BUDGET, details);
}

/** createTooManyRequestsError: the budget has not been processed by the controller (or a race). */
export function budgetPendingError(pdbName: string): ApiError {
  return tooManyRequests(`The disruption budget ${pdbName} is still being processed by the server.`, 10);
}

function budgetForbidden(name: string, why: string): ApiError {
  return new ApiError(403, 'Forbidden', `poddisruptionbudget.policy "${name}" is forbidden: ${why}`, { name, group: 'policy', kind: 'poddisruptionbudget' });
}

/**
 * checkAndDecrement on a budget as stored: throws the 429/403 Kubernetes answers, or returns the
 * budget with one disruption spent (and, unless dry run, the pod recorded in disruptedPods).
 */
export function checkAndDecrement(pdb: PodDisruptionBudget, podName: string, nowMs: number, dryRun: boolean): PodDisruptionBudget {
  const name = pdb.metadata.name ?? '';
  const st = pdb.status ?? {};
  if ((st.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) throw budgetPendingError(name);
  const allowed = st.disruptionsAllowed ?? 0;
  if (allowed < 0) throw budgetForbidden(name, 'pdb disruptions allowed is negative');
  if (Object.keys(st.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) {
    throw budgetForbidden(name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  }
  if (allowed === 0) {
    throw tooManyRequests(`The disruption budget ${name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`, 0);
  }
  const next = clone(pdb);
  const ns = (next.status ??= {});
  ns.disruptionsAllowed = allowed - 1;
  if (ns.disruptionsAllowed === 0) updateDisruptionAllowedCondition(ns, nowMs);
  if (!dryRun) ns.disruptedPods = { ...(ns.disruptedPods ?? {}), [podName]: rfc3339(nowMs) };
  return next;
}

const isReady = (p: PodLike) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const phase = (p: PodLike) => p.status?.phase;
/** canIgnorePDB: the pod disrupts nothing by going. */
const canIgnoreBudget = (p: PodLike) => ['Succeeded', 'Failed', 'Pending'].includes(phase(p) ?? '') || !!p.metadata.deletionTimestamp;
/** shouldEnforceResourceVersion: a live pod must not turn ready between our check and the delete. */
const enforceResourceVersion = (p: PodLike) => !['Succeeded', 'Failed'].includes(phase(p) ?? '') && !p.metadata.deletionTimestamp;

/** The same request, acting as the server itself (no requester, no admission) on another resource. */
function internal(rc: RequestContext, r: ServedResource = rc.r): RequestContext {
  return { ...rc, r, subresource: undefined, user: undefined, attrs: undefined, ctx: { ...rc.ctx, security: undefined } };
}

function parseDeleteOptions(v: Record<string, unknown> | null | undefined, queryDryRun: string[]): DeleteOptions {
  const o: DeleteOptions = { dryRun: false };
  const bodyDryRun = Array.isArray(v?.dryRun) ? (v!.dryRun as unknown[]).map(String) : [];
  // propagateDryRun: the query and the body must agree when both say something.
  if (bodyDryRun.length && queryDryRun.length && JSON.stringify(bodyDryRun) !== JSON.stringify(queryDryRun)) {
    throw errors.internal(`Non-matching dry-run options in request and content: [${queryDryRun.join(' ')}] and [${bodyDryRun.join(' ')}]`);
  }
  for (const d of [...bodyDryRun, ...queryDryRun]) if (d !== 'All') throw errors.badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  o.dryRun = bodyDryRun.length > 0 || queryDryRun.length > 0;
  if (v) {
    const wrong = (field: string, ok: boolean) => { if (!ok) throw errors.badRequest(`DeleteOptions: ${field}: wrong type in the request body`); };
    wrong('gracePeriodSeconds', v.gracePeriodSeconds == null || Number.isInteger(v.gracePeriodSeconds));
    wrong('propagationPolicy', v.propagationPolicy == null || typeof v.propagationPolicy === 'string');
    wrong('orphanDependents', v.orphanDependents == null || typeof v.orphanDependents === 'boolean');
    wrong('preconditions', v.preconditions == null || (typeof v.preconditions === 'object' && !Array.isArray(v.preconditions)));
    if (typeof v.gracePeriodSeconds === 'number') o.gracePeriodSeconds = v.gracePeriodSeconds;
    if (typeof v.propagationPolicy === 'string') o.propagationPolicy = v.propagationPolicy;
    if (typeof v.orphanDependents === 'boolean') o.orphanDependents = v.orphanDependents;
    if (v.preconditions && typeof v.preconditions === 'object') {
      const p = v.preconditions as { uid?: unknown; resourceVersion?: unknown };
      o.preconditions = {};
      if (typeof p.uid === 'string' && p.uid) o.preconditions.uid = p.uid;
      if (typeof p.resourceVersion === 'string' && p.resourceVersion) o.preconditions.resourceVersion = p.resourceVersion;
    }
  }
  validateDeleteOptions(o);
  return o;
}

async function readPod(rc: RequestContext, name: string): Promise<PodLike> {
  const got = await rc.ctx.store.get(objectKey(rc.r.def, rc.namespace, name));
  if (!got.kv) throw errors.notFound('pods', name);
  return decodeKv(got.kv) as PodLike;
}

/** Every budget in the pod's namespace whose selector covers it (read from the store: consistent). */
async function budgetsFor(rc: RequestContext, pod: PodLike): Promise<PodDisruptionBudget[]> {
  const pdbs = rc.ctx.byPath.get(PDB_PATH);
  if (!pdbs) return [];
  const list = await rc.ctx.store.list(namespacePrefix(pdbs.def, pod.metadata.namespace ?? ''));
  return list.kvs.map((kv) => decodeKv(kv) as PodDisruptionBudget).filter((b) => budgetCoversPod(b, pod));
}

/** Adds DisruptionTarget (EvictionByEvictionAPI) to the pod, then deletes it with the given options. */
async function markAndDelete(rc: RequestContext, name: string, o: DeleteOptions): Promise<void> {
  const self = internal(rc);
  let opts = o;
  if (!o.dryRun) {
    const res = await updateObject(self, {
      name,
      subresource: 'status',
      mutate: (cur) => {
        const pre = o.preconditions;
        if (pre?.uid && pre.uid !== cur.metadata.uid) {
          throw errors.conflict('pods', name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid ?? ''}`);
        }
        if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
          throw errors.conflict('pods', name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`);
        }
        const pod = cur as PodLike;
        const st = (pod.status ??= {});
        const conds = st.conditions ?? [];
        const old = conds.find((c) => c.type === 'DisruptionTarget');
        const now = rfc3339(rc.ctx.clock.now());
        const cond = { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: old && old.status === 'True' ? old.lastTransitionTime ?? now : now, reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' };
        st.conditions = [...conds.filter((c) => c.type !== 'DisruptionTarget'), cond];
        return pod;
      },
    }, { dryRun: false, fieldManager: 'kube-apiserver' });
    // We moved the pod on: the caller's resourceVersion precondition now names our write.
    if (o.preconditions?.resourceVersion) opts = { ...o, preconditions: { ...o.preconditions, resourceVersion: res.obj.metadata.resourceVersion } };
  }
  await deleteObject(self, name, opts);
}

const isConflict = (err: unknown) => err instanceof ApiError && err.reason === 'Conflict';

/** Evicts one pod; returns the Status to answer with (throws ApiError for failures). */
export async function evictPod(rc: RequestContext, podName: string, original: DeleteOptions): Promise<{ code: number; status: Record<string, unknown> }> {
  const success = { code: 201, status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' } };
  const callerRv = !!original.preconditions?.resourceVersion;
  let pod: PodLike | undefined;
  // A pod that disrupts nothing is deleted directly; a conflict (it changed meanwhile) looks again,
  // unless the caller pinned a resourceVersion.
  for (let attempt = 0; ; attempt++) {
    pod = await readPod(rc, podName);
    if (attempt === 0) await runAdmission(rc, 'CREATE', podName, undefined, pod, original.dryRun);
    if (!canIgnoreBudget(pod)) break;
    let o = original;
    if (enforceResourceVersion(pod) && !callerRv) o = { ...o, preconditions: { ...(o.preconditions ?? {}), resourceVersion: pod.metadata.resourceVersion } };
    try {
      await markAndDelete(rc, podName, o);
      return success;
    } catch (err) {
      if (!isConflict(err) || callerRv || attempt + 1 >= EVICTION_RETRIES) throw err;
    }
  }

  const pdbsRes = rc.ctx.byPath.get(PDB_PATH);
  const pdbs = await budgetsFor(rc, pod);
  if (pdbs.length > 1) {
    return { code: 500, status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 } };
  }
  let skipBudget = pdbs.length === 0;
  const pdb = pdbs[0];
  if (pdb && !isReady(pod)) {
    const st = pdb.status ?? {};
    if (pdb.spec?.unhealthyPodEvictionPolicy === ALWAYS_ALLOW) skipBudget = true;
    else if ((st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0) && (st.desiredHealthy ?? 0) > 0) skipBudget = true;
    if (skipBudget) {
      // An unready pod goes without spending the budget, but only as it is now.
      let o = original;
      if (!callerRv) o = { ...o, preconditions: { ...(o.preconditions ?? {}), resourceVersion: pod.metadata.resourceVersion } };
      try {
        await markAndDelete(rc, podName, o);
      } catch (err) {
        if (isConflict(err) && !callerRv) throw budgetPendingError(pdb.metadata.name ?? '');
        throw err;
      }
      return success;
    }
  }
  if (pdb && pdbsRes) {
    const name = pdb.metadata.name!;
    const now = rc.ctx.clock.now();
    if (original.dryRun) {
      checkAndDecrement(pdb, podName, now, true);
    } else {
      // Check and decrement on the budget as stored, written only if it is still that version.
      await updateObject(internal(rc, pdbsRes), {
        name,
        subresource: 'status',
        mutate: (cur) => {
          const next = checkAndDecrement(cur as PodDisruptionBudget, podName, now, false);
          next.metadata.resourceVersion = cur.metadata.resourceVersion;
          return next;
        },
      }, { dryRun: false, fieldManager: 'kube-apiserver' }).catch((err) => {
        if (isConflict(err)) throw new ApiError(504, 'Timeout', `Timeout: couldn't update PodDisruptionBudget "${name}" due to conflicts`, { retryAfterSeconds: 10 });
        throw err;
      });
    }
  }
  await markAndDelete(rc, podName, original);
  return success;
}

/** Reads the Eviction body (JSON, YAML or protobuf; policy/v1 or v1beta1) and evicts the named pod. */
export async function handleEviction(rc: RequestContext, method: string): Promise<void> {
  if (method !== 'POST') throw errors.methodNotAllowed();
  if (!rc.body) rc.body = await readBody(rc.req);
  const schemaFor = (apiVersion: string, kind: string): TSchema | undefined =>
    (kind === 'Eviction' && EVICTION_VERSIONS.includes(apiVersion) ? Eviction : rc.ctx.schemaFor(apiVersion, kind));
  const body = parseBody(rc.body, rc.req.headers['content-type'], { protobuf: rc.ctx.protobuf, schemaFor }) as EvictionBody;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw errors.badRequest('the body of the request must be an Eviction object');
  if (body.kind !== undefined && body.kind !== 'Eviction') throw errors.badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (Eviction)`);
  if (body.apiVersion !== undefined && !EVICTION_VERSIONS.includes(body.apiVersion)) {
    throw errors.badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (policy/v1)`);
  }
  if ((body.metadata?.name ?? '') !== rc.name) throw errors.badRequest('name in URL does not match name in Eviction object');
  const o = parseDeleteOptions(body.deleteOptions, rc.query.getAll('dryRun'));
  const out = await evictPod(rc, rc.name!, o);
  writeJson(rc.res, out.code, out.status, rc.warnings);
}

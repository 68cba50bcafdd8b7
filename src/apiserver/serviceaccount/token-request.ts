// POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token: a TokenRequest in, the same object
// with status.token and status.expirationTimestamp out (what `kubectl create token` and the
// kubelet's projected volumes ask for). Nothing is stored.
import type { KubeObject } from '../../api/resource.js';
import {
  GROUP, TokenRequestSchema, defaultTokenRequest, validateTokenRequest, type TokenRequest,
} from '../../api/authentication/v1/types.js';
import { ApiError, errors } from '../../machinery/errors.js';
import { invalidError } from '../../machinery/field-errors.js';
import type { RequestContext } from '../context.js';
import { decodeTyped, parseBody, parseFieldValidation } from '../decode/index.js';
import type { ResourceHooks } from '../hooks.js';
import { readBody, writeJson } from '../http.js';
import { runAdmission } from '../auth/admission.js';
import type { ServiceAccountTokens } from './tokens.js';

const API_VERSION = `${GROUP}/v1`;

async function decodeTokenRequest(rc: RequestContext): Promise<TokenRequest> {
  const ct = rc.req.headers['content-type'];
  rc.body ??= await readBody(rc.req);
  // kubectl 1.28+ sends the TokenRequest as protobuf: its schema is not a served kind, so name it here.
  const schemaFor = (apiVersion: string, kind: string) =>
    apiVersion === API_VERSION && kind === 'TokenRequest' ? TokenRequestSchema : rc.ctx.schemaFor(apiVersion, kind);
  const value = rc.body.length ? parseBody(rc.body, ct, { protobuf: rc.ctx.protobuf, schemaFor }) : {};
  const d = decodeTyped(value, { schema: TokenRequestSchema, kind: 'TokenRequest', apiVersion: API_VERSION, fieldValidation: parseFieldValidation(rc.query.get('fieldValidation')) });
  rc.warnings.push(...d.warnings);
  return d.obj as TokenRequest;
}

/** Conflict on a bound object whose uid changed, as Kubernetes words it. */
function uidConflict(kind: string, name: string, want: string, have: string | undefined): ApiError {
  return new ApiError(409, 'Conflict',
    `Operation cannot be fulfilled on ${kind} "${name}": the UID in the bound object reference (${want}) does not match the UID in record (${have ?? ''}). The object might have been deleted and then recreated`,
    { name, kind });
}

export async function handleTokenRequest(tokens: ServiceAccountTokens, rc: RequestContext, method: string): Promise<void> {
  if (method !== 'POST') throw errors.methodNotAllowed();
  tokens.attach(rc.ctx);
  const ns = rc.namespace ?? '';
  const name = rc.name ?? '';
  const tr = await decodeTokenRequest(rc);
  defaultTokenRequest(tr);
  const errs = validateTokenRequest(tr);
  if (errs.length) throw invalidError('TokenRequest', tr.metadata?.name || name, errs, GROUP);
  const spec = tr.spec!;
  const objects = tokens.objects();
  const sa = await objects.get('serviceaccounts', ns, name);
  if (!sa) throw errors.notFound('serviceaccounts', name);
  let pod: KubeObject | undefined;
  let secret: KubeObject | undefined;
  let node: KubeObject | undefined;
  const ref = spec.boundObjectRef;
  if (ref) {
    const refVersion = ref.apiVersion ?? '';
    const core = refVersion === 'v1' || refVersion === '';
    const refName = ref.name ?? '';
    let uid: string | undefined;
    if (core && ref.kind === 'Pod') {
      pod = await objects.get('pods', ns, refName);
      if (!pod) throw errors.notFound('pods', refName);
      const podSA = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? '';
      if (podSA !== name) throw errors.badRequest(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
      uid = pod.metadata.uid;
      const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
      // The pod's node goes into the token (ServiceAccountTokenPodNodeInfo), uid when known.
      if (nodeName) node = (await objects.get('nodes', undefined, nodeName)) ?? { metadata: { name: nodeName } };
    } else if (core && ref.kind === 'Secret') {
      secret = await objects.get('secrets', ns, refName);
      if (!secret) throw errors.notFound('secrets', refName);
      uid = secret.metadata.uid;
    } else if (core && ref.kind === 'Node') {
      node = await objects.get('nodes', undefined, refName);
      if (!node) throw errors.notFound('nodes', refName);
      uid = node.metadata.uid;
    } else {
      const group = refVersion.includes('/') ? refVersion.slice(0, refVersion.indexOf('/')) : '';
      const version = refVersion.includes('/') ? refVersion.slice(refVersion.indexOf('/') + 1) : refVersion;
      throw errors.badRequest(`cannot bind token to object of type ${group ? `${group}/` : ''}${version}, Kind=${ref.kind ?? ''}`);
    }
    if (ref.uid && ref.uid !== uid) throw uidConflict(ref.kind!, refName, ref.uid, uid);
  }
  if (!spec.audiences?.length) spec.audiences = [...tokens.audiences];
  // Admission sees the TokenRequest (NodeRestriction limits which pods a node may ask for).
  await runAdmission(rc, 'CREATE', name, tr, undefined, false);
  const issued = tokens.issue({ serviceAccount: sa, audiences: spec.audiences, expirationSeconds: spec.expirationSeconds!, pod, secret, node });
  const out: TokenRequest = {
    kind: 'TokenRequest', apiVersion: API_VERSION,
    metadata: { ...tr.metadata, name, namespace: ns, creationTimestamp: new Date(issued.claims.iat * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') },
    spec,
    status: { token: issued.token, expirationTimestamp: issued.expirationTimestamp },
  };
  rc.ctx.log('issued service account token', { namespace: ns, name, audiences: spec.audiences, expirationSeconds: spec.expirationSeconds, pod: pod?.metadata.name });
  writeJson(rc.res, 201, out, rc.warnings);
}

/** The `serviceaccounts` hooks: the token subresource. */
export function serviceAccountHooks(tokens: ServiceAccountTokens): ResourceHooks {
  return { subresources: { token: (rc, method) => handleTokenRequest(tokens, rc, method) } };
}

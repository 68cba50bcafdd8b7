// authorization.k8s.io/v1 reviews answered by the server's own authorizer (ResourceHooks.compute;
// nothing is stored): SelfSubjectAccessReview ("may I?", what `kubectl auth can-i` asks),
// SubjectAccessReview and LocalSubjectAccessReview ("may this user?", what kubelets and
// webhooks ask), and SelfSubjectRulesReview (`kubectl auth can-i --list`).
import type { KubeObject } from '../../api/resource.js';
import type { AccessReview, SelfSubjectRulesReview, ResourceRule, NonResourceRule } from '../../api/authorization/v1/types.js';
import type { ResourceHooks } from '../hooks.js';
import type { RequestContext } from '../context.js';
import { SUPERUSER, type RequestAttributes, type UserInfo } from '../auth/types.js';
import type { RuleResolver } from './rbac.js';

const GROUP = 'authorization.k8s.io';

/** The authorizer attributes a review spec asks about. */
export function reviewAttributes(user: UserInfo, spec: AccessReview['spec']): RequestAttributes {
  const r = spec?.resourceAttributes;
  if (r) {
    return {
      user, verb: r.verb ?? '', resourceRequest: true, path: '', apiGroup: r.group ?? '', apiVersion: r.version ?? '',
      resource: r.resource ?? '', subresource: r.subresource ?? '', namespace: r.namespace ?? '', name: r.name ?? '',
    };
  }
  const n = spec?.nonResourceAttributes ?? {};
  return { user, verb: n.verb ?? '', resourceRequest: false, path: n.path ?? '', apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' };
}

async function answer(rc: RequestContext, review: AccessReview, user: UserInfo): Promise<KubeObject> {
  const z = rc.ctx.security?.authorizer;
  // No authorizer configured means AlwaysAllow, as kube-apiserver --authorization-mode=AlwaysAllow.
  const d = z ? await z.authorize(reviewAttributes(user, review.spec)) : { allowed: true, reason: '' };
  const status: Record<string, unknown> = { allowed: d.allowed };
  if (d.reason) status.reason = d.reason;
  return { ...review, metadata: { ...review.metadata, creationTimestamp: null as never }, status };
}

function specUser(review: AccessReview): UserInfo {
  const s = review.spec ?? {};
  const u: UserInfo = { username: s.user ?? '', groups: [...(s.groups ?? [])] };
  if (s.uid) u.uid = s.uid;
  if (s.extra) u.extra = s.extra;
  return u;
}

function toReviewRules(rules: ReturnType<RuleResolver['rulesFor']>): { resourceRules: ResourceRule[]; nonResourceRules: NonResourceRule[] } {
  const resourceRules: ResourceRule[] = [];
  const nonResourceRules: NonResourceRule[] = [];
  for (const r of rules) {
    if (r.nonResourceURLs?.length) nonResourceRules.push({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs] });
    if (r.resources?.length) {
      const rr: ResourceRule = { verbs: [...r.verbs], apiGroups: [...(r.apiGroups ?? [])], resources: [...r.resources] };
      if (r.resourceNames?.length) rr.resourceNames = [...r.resourceNames];
      resourceRules.push(rr);
    }
  }
  return { resourceRules, nonResourceRules };
}

/** Hooks by "plural.group", to merge into ApiServerOptions.hooks. rules: the RBAC resolver (for rules reviews). */
export function authorizationApiHooks(rules?: RuleResolver): Record<string, ResourceHooks> {
  // Without an explicit resolver, the configured authorizer answers rules reviews if it can.
  const resolver = (rc: RequestContext): RuleResolver | undefined =>
    rules ?? (typeof (rc.ctx.security?.authorizer as Partial<RuleResolver> | undefined)?.rulesFor === 'function' ? rc.ctx.security!.authorizer as unknown as RuleResolver : undefined);
  return {
    [`selfsubjectaccessreviews.${GROUP}`]: { compute: (obj, rc) => answer(rc, obj as AccessReview, rc.user ?? SUPERUSER) },
    [`subjectaccessreviews.${GROUP}`]: { compute: (obj, rc) => answer(rc, obj as AccessReview, specUser(obj as AccessReview)) },
    [`localsubjectaccessreviews.${GROUP}`]: { compute: (obj, rc) => answer(rc, obj as AccessReview, specUser(obj as AccessReview)) },
    [`selfsubjectrulesreviews.${GROUP}`]: {
      compute: (obj, rc) => {
        const review = obj as SelfSubjectRulesReview;
        const user = rc.user ?? SUPERUSER;
        let status: SelfSubjectRulesReview['status'];
        if (!rc.ctx.security?.authorizer) {
          // AlwaysAllow: everything, as kube-apiserver reports it.
          status = { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false };
        } else if (resolver(rc)) {
          status = { ...toReviewRules(resolver(rc)!.rulesFor(user, review.spec?.namespace ?? '')), incomplete: false };
        } else {
          status = { resourceRules: [], nonResourceRules: [], incomplete: true };
        }
        return { ...review, metadata: { ...review.metadata, creationTimestamp: null as never }, status } as KubeObject;
      },
    },
  };
}

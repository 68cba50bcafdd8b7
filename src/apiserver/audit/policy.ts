// audit.k8s.io/v1 Policy: an ordered list of rules; the first rule that matches a request gives its
// level (None, Metadata, Request, RequestResponse) and the stages to leave out. No match: None.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { RequestAttributes, UserInfo } from '../auth/types.js';

export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';
const LEVELS: AuditLevel[] = ['None', 'Metadata', 'Request', 'RequestResponse'];
const STAGES: AuditStage[] = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

export interface GroupResources {
  group?: string;
  /** "pods", "pods/log", "pods/*", "*\/status"; empty: every resource of the group. */
  resources?: string[];
  resourceNames?: string[];
}

export interface PolicyRule {
  level: AuditLevel;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: AuditStage[];
}

export interface AuditPolicy {
  rules: PolicyRule[];
  omitStages?: AuditStage[];
}

/** What a request is judged by: its user (null before authentication) and attributes. */
export interface PolicyRequest {
  user: UserInfo | null;
  attrs: RequestAttributes | null;
  /** Used when attrs are unknown (the request never got that far). */
  verb: string;
  path: string;
}

/** Logs every request at Metadata (the policy kube-apiserver examples start from). */
export const METADATA_POLICY: AuditPolicy = { rules: [{ level: 'Metadata' }] };

function fail(msg: string): never {
  throw new Error(`invalid audit Policy: ${msg}`);
}

export function parseAuditPolicy(text: string): AuditPolicy {
  const doc = parse(text) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') fail('empty document');
  if (doc.kind !== 'Policy') fail(`kind must be Policy, not ${JSON.stringify(doc.kind)}`);
  if (doc.apiVersion !== 'audit.k8s.io/v1' && doc.apiVersion !== 'audit.k8s.io/v1beta1') fail(`apiVersion must be audit.k8s.io/v1, not ${JSON.stringify(doc.apiVersion)}`);
  const stages = (v: unknown, path: string): AuditStage[] | undefined => {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) fail(`${path}: must be a list`);
    for (const s of v) if (!STAGES.includes(s)) fail(`${path}: Unsupported value: "${s}"`);
    return v as AuditStage[];
  };
  const rules = doc.rules;
  if (!Array.isArray(rules) || !rules.length) fail('rules: Required value');
  return {
    omitStages: stages(doc.omitStages, 'omitStages'),
    rules: rules.map((r: Record<string, unknown>, i: number) => {
      if (!LEVELS.includes(r.level as AuditLevel)) fail(`rules[${i}].level: Unsupported value: ${JSON.stringify(r.level)}: supported values: "None", "Metadata", "Request", "RequestResponse"`);
      if (r.nonResourceURLs && (r.resources || r.namespaces)) fail(`rules[${i}].nonResourceURLs: Invalid value: rules cannot apply to both regular resources and non-resource URLs`);
      return {
        level: r.level as AuditLevel,
        users: r.users as string[] | undefined,
        userGroups: r.userGroups as string[] | undefined,
        verbs: r.verbs as string[] | undefined,
        resources: r.resources as GroupResources[] | undefined,
        namespaces: r.namespaces as string[] | undefined,
        nonResourceURLs: r.nonResourceURLs as string[] | undefined,
        omitStages: stages(r.omitStages, `rules[${i}].omitStages`),
      };
    }),
  };
}

/** Reads --audit-policy-file. */
export function loadAuditPolicy(path: string): AuditPolicy {
  return parseAuditPolicy(readFileSync(path, 'utf8'));
}

function resourceMatches(rule: GroupResources[], a: RequestAttributes): boolean {
  const full = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return rule.some((gr) => {
    if ((gr.group ?? '') !== a.apiGroup && gr.group !== '*') return false;
    if (gr.resourceNames?.length && !gr.resourceNames.includes(a.name)) return false;
    if (!gr.resources?.length) return true;
    return gr.resources.some((r) => {
      if (r === '*' || r === full) return true;
      if (r === `${a.resource}/*` && a.subresource) return true;
      if (r.startsWith('*/') && a.subresource && r.slice(2) === a.subresource) return true;
      return false;
    });
  });
}

function urlMatches(patterns: string[], path: string): boolean {
  return patterns.some((p) => p === '*' || p === path || (p.endsWith('*') && path.startsWith(p.slice(0, -1))));
}

export function ruleMatches(rule: PolicyRule, req: PolicyRequest): boolean {
  const user = req.user;
  if (rule.users?.length && !(user && rule.users.includes(user.username))) return false;
  if (rule.userGroups?.length && !(user && user.groups.some((g) => rule.userGroups!.includes(g)))) return false;
  const a = req.attrs;
  const verb = a?.verb ?? req.verb;
  if (rule.verbs?.length && !rule.verbs.includes(verb)) return false;
  if (a?.resourceRequest) {
    if (rule.nonResourceURLs?.length) return false;
    if (rule.namespaces?.length && !rule.namespaces.includes(a.namespace)) return false;
    if (rule.resources?.length && !resourceMatches(rule.resources, a)) return false;
    return true;
  }
  if (rule.resources?.length || rule.namespaces?.length) return false;
  if (rule.nonResourceURLs?.length && !urlMatches(rule.nonResourceURLs, a?.path ?? req.path)) return false;
  return true;
}

/** The level and omitted stages for a request (Kubernetes' policy.Checker). */
export function evaluatePolicy(policy: AuditPolicy, req: PolicyRequest): { level: AuditLevel; omitStages: AuditStage[] } {
  for (const rule of policy.rules) {
    if (ruleMatches(rule, req)) return { level: rule.level, omitStages: [...new Set([...(policy.omitStages ?? []), ...(rule.omitStages ?? [])])] };
  }
  return { level: 'None', omitStages: [] };
}

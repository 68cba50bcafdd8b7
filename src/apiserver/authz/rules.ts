// RBAC rule matching (Kubernetes' rbac/evaluation_helpers.go): which requests a PolicyRule allows.
// "*" matches every verb, group, resource or URL; "*/scale" matches the scale subresource of any
// resource; a rule with resourceNames only matches requests that name one of them; a URL ending
// in "*" matches every path with that prefix.
import type { PolicyRule } from '../../api/rbac/v1/types.js';
import type { RequestAttributes } from '../auth/types.js';

const ALL = '*';

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  for (const v of rule.verbs ?? []) if (v === ALL || v === verb) return true;
  return false;
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  for (const g of rule.apiGroups ?? []) if (g === ALL || g === group) return true;
  return false;
}

/** combined is "pods" or "pods/log"; subresource is "" or "log". */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === ALL || r === combined) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  return names.includes(name);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === ALL || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

/** RuleAllows: whether one rule grants the request. */
export function ruleAllows(a: RequestAttributes, rule: PolicyRule): boolean {
  if (a.resourceRequest) {
    const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    return verbMatches(rule, a.verb) && apiGroupMatches(rule, a.apiGroup) && resourceMatches(rule, combined, a.subresource) && resourceNameMatches(rule, a.name);
  }
  return verbMatches(rule, a.verb) && nonResourceURLMatches(rule, a.path);
}

export function rulesAllow(a: RequestAttributes, rules: readonly PolicyRule[]): boolean {
  if (!a.resourceRequest) {
    for (const r of rules) if (verbMatches(r, a.verb) && nonResourceURLMatches(r, a.path)) return true;
    return false;
  }
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  for (const r of rules) {
    if (verbMatches(r, a.verb) && apiGroupMatches(r, a.apiGroup) && resourceMatches(r, combined, a.subresource) && resourceNameMatches(r, a.name)) return true;
  }
  return false;
}

// ---- Covers: does a set of rules hold every permission of another (escalation prevention) ----

function has(set: readonly string[] | undefined, v: string): boolean {
  return !!set && (set.includes(ALL) || set.includes(v));
}

/** One permission: a single verb on a single group/resource (and name), or on a single URL. */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  const verbs = rule.verbs ?? [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      if (rule.resourceNames?.length) {
        for (const name of rule.resourceNames) for (const verb of verbs) out.push({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [name] });
      } else {
        for (const verb of verbs) out.push({ verbs: [verb], apiGroups: [group], resources: [resource] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of verbs) out.push({ verbs: [verb], nonResourceURLs: [url] });
  return out;
}

function resourceCovered(owner: readonly string[] | undefined, resource: string): boolean {
  if (!owner) return false;
  if (owner.includes(ALL) || owner.includes(resource)) return true;
  // "*/status" covers "pods/status"; "pods/*" is no wildcard in Kubernetes' Covers.
  const slash = resource.indexOf('/');
  return slash > 0 && owner.includes(`*${resource.slice(slash)}`);
}

function urlCovered(owner: readonly string[] | undefined, url: string): boolean {
  for (const u of owner ?? []) {
    if (u === ALL || u === url) return true;
    if (u.endsWith('*') && url.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

/** ruleCovers for one broken-down permission. */
function covers(owner: PolicyRule, p: PolicyRule): boolean {
  if (!has(owner.verbs, p.verbs![0]!)) return false;
  if (p.nonResourceURLs?.length) return urlCovered(owner.nonResourceURLs, p.nonResourceURLs[0]!);
  if (!has(owner.apiGroups, p.apiGroups![0]!)) return false;
  if (!resourceCovered(owner.resources, p.resources![0]!)) return false;
  if (!owner.resourceNames?.length) return true;
  return !!p.resourceNames?.length && owner.resourceNames.includes(p.resourceNames[0]!);
}

/** Kubernetes' validation.Covers: the permissions of `wanted` that `owned` does not hold (empty: covered). */
export function missingPermissions(owned: readonly PolicyRule[], wanted: readonly PolicyRule[]): PolicyRule[] {
  const missing: PolicyRule[] = [];
  for (const w of wanted) for (const p of breakdown(w)) if (!owned.some((o) => covers(o, p))) missing.push(p);
  return missing;
}

/** CompactRules: single-resource permissions that differ only in verb become one rule. */
export function compactRules(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const byKey = new Map<string, PolicyRule>();
  for (const r of rules) {
    if (r.nonResourceURLs?.length) { out.push(r); continue; }
    const key = JSON.stringify([r.apiGroups, r.resources, r.resourceNames ?? []]);
    const seen = byKey.get(key);
    if (seen) { if (!seen.verbs.includes(r.verbs[0]!)) seen.verbs.push(...r.verbs); continue; }
    const copy = { ...r, verbs: [...r.verbs] };
    byKey.set(key, copy);
    out.push(copy);
  }
  return out;
}

/** Go's %q of a []string: ["a" "b"]. */
export function goQuoteList(xs: readonly string[]): string {
  return `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;
}

/** rbacv1helpers.CompactString: {APIGroups:[""], Resources:["pods"], Verbs:["get"]}. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuoteList(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuoteList(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoteList(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuoteList(r.resourceNames)}`);
  if (r.verbs?.length) parts.push(`Verbs:${goQuoteList(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

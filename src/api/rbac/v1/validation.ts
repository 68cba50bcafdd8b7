// Kubernetes' RBAC validation (pkg/apis/rbac/validation): rules need verbs and either resources
// with API groups or non-resource URLs (never both, never namespaced); subjects are User, Group or
// ServiceAccount with the matching apiGroup; roleRef points at a Role/ClusterRole and never changes.
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';
import { validateLabelSelector } from '../../../machinery/labels/validation.js';
import { isDNS1123Subdomain, isValidPathSegmentName } from '../../../machinery/validation/names.js';
import { RBAC_GROUP, type AnyBinding, type ClusterRole, type PolicyRule, type Role, type Subject } from './types.js';

export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!rule.verbs?.length) errs.push(fieldErrors.required(`${path}.verbs`, 'verbs must contain at least one value'));
  if (rule.nonResourceURLs?.length) {
    if (namespaced) errs.push(fieldErrors.invalid(`${path}.nonResourceURLs`, rule.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
    if (rule.apiGroups?.length || rule.resources?.length || rule.resourceNames?.length) {
      errs.push(fieldErrors.invalid(`${path}.nonResourceURLs`, rule.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (!rule.apiGroups?.length) errs.push(fieldErrors.required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (!rule.resources?.length) errs.push(fieldErrors.required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

export function validateRole(role: Role): FieldError[] {
  return (role.rules ?? []).flatMap((r, i) => validatePolicyRule(r, true, `rules[${i}]`));
}

export function validateClusterRole(role: ClusterRole): FieldError[] {
  const errs = (role.rules ?? []).flatMap((r, i) => validatePolicyRule(r, false, `rules[${i}]`));
  const agg = role.aggregationRule;
  if (agg) {
    if (!agg.clusterRoleSelectors?.length) {
      errs.push(fieldErrors.required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    }
    (agg.clusterRoleSelectors ?? []).forEach((s, i) => errs.push(...validateLabelSelector(s as never, `aggregationRule.clusterRoleSelectors[${i}]`)));
  }
  return errs;
}

export const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];

export function validateSubject(s: Subject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(fieldErrors.required(`${path}.name`, ''));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.name) for (const m of isDNS1123Subdomain(s.name)) errs.push(fieldErrors.invalid(`${path}.name`, s.name, m));
      if (s.apiGroup) errs.push(fieldErrors.notSupported(`${path}.apiGroup`, s.apiGroup, ['']));
      if (!s.namespace) errs.push(fieldErrors.required(`${path}.namespace`, ''));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== RBAC_GROUP) errs.push(fieldErrors.notSupported(`${path}.apiGroup`, s.apiGroup ?? '', [RBAC_GROUP]));
      break;
    default:
      errs.push(fieldErrors.notSupported(`${path}.kind`, s.kind, SUBJECT_KINDS));
  }
  return errs;
}

export function validateBinding(b: AnyBinding, clusterScoped: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = b.roleRef ?? ({} as AnyBinding['roleRef']);
  if (ref.apiGroup !== RBAC_GROUP) errs.push(fieldErrors.notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  const kinds = clusterScoped ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(fieldErrors.notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) errs.push(fieldErrors.required('roleRef.name', ''));
  else for (const m of isValidPathSegmentName(ref.name)) errs.push(fieldErrors.invalid('roleRef.name', ref.name, m));
  (b.subjects ?? []).forEach((s, i) => errs.push(...validateSubject(s, `subjects[${i}]`)));
  return errs;
}

export function validateBindingUpdate(b: AnyBinding, old: AnyBinding, clusterScoped: boolean): FieldError[] {
  const errs = validateBinding(b, clusterScoped);
  const a = b.roleRef, o = old.roleRef;
  if (a?.apiGroup !== o?.apiGroup || a?.kind !== o?.kind || a?.name !== o?.name) {
    errs.push(fieldErrors.invalid('roleRef', b.roleRef, 'cannot change roleRef'));
  }
  return errs;
}

/** SetDefaults_Subject / SetDefaults_RoleBinding: User and Group subjects and roleRef default to the RBAC group. */
export function defaultBinding(b: AnyBinding): void {
  if (b.roleRef && !b.roleRef.apiGroup) b.roleRef.apiGroup = RBAC_GROUP;
  for (const s of b.subjects ?? []) {
    if (!s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = RBAC_GROUP;
  }
}

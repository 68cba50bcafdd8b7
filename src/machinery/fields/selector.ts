// Field selectors (k8s.io/apimachinery/pkg/fields): `?fieldSelector=spec.nodeName=n1,status.phase!=Running`.
// Only equality terms exist; values may escape "\", "," and "=" with a backslash.
import { ApiError, errors } from '../errors.js';

export interface FieldTerm {
  readonly field: string;
  /** "=" and "==" both mean equality; kept apart only for faithful printing. */
  readonly operator: '=' | '==' | '!=';
  readonly value: string;
}

/** Terms are ANDed; no terms = everything. */
export interface FieldSelector {
  readonly terms: readonly FieldTerm[];
}

export type FieldGetter = (field: string) => string | undefined;

const EVERYTHING: FieldSelector = Object.freeze({ terms: Object.freeze([]) as readonly FieldTerm[] });

export function everythingFields(): FieldSelector {
  return EVERYTHING;
}

export function isEmptyFieldSelector(sel: FieldSelector): boolean {
  return sel.terms.length === 0;
}

/** EscapeValue: make a literal safe to use as a field selector value. */
export function escapeValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => '\\' + c);
}

/** UnescapeValue: undo escapeValue; unknown escapes and bare "," or "=" are 400s. */
export function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw errors.badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    // Go prints the rune with %v, i.e. as its number (',' is 44, '=' is 61).
    else if (c === ',' || c === '=') throw errors.badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw errors.badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Split on commas that are not escaped; escapes stay in the pieces. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const OPERATORS = ['!=', '==', '='] as const;

/** The field is never escaped, so the first operator found splits the term. */
function splitTerm(term: string): { lhs: string; op: FieldTerm['operator']; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** fields.ParseSelector. Terms come back sorted by their raw text, as Kubernetes sorts them. */
export function parseFieldSelector(s: string): FieldSelector {
  const parts = splitTerms(s).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const terms: FieldTerm[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw errors.badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    terms.push({ field: t.lhs, operator: t.op, value: unescapeValue(t.rhs) });
  }
  return terms.length ? { terms } : EVERYTHING;
}

/** fields.SelectorFromSet: field=value for each entry. */
export function fieldSelectorFromSet(set: Record<string, string> | null | undefined): FieldSelector {
  if (!set) return EVERYTHING;
  const terms = Object.keys(set).map((k) => ({ field: k, operator: '=' as const, value: set[k]! }));
  return terms.length ? { terms } : EVERYTHING;
}

/** fields.OneTermEqualSelector. */
export function oneTermEqual(field: string, value: string): FieldSelector {
  return { terms: [{ field, operator: '=', value }] };
}

/** A missing field reads as "" (Kubernetes' fields.Set.Get), so `x!=a` matches objects without x. */
export function matchesFields(sel: FieldSelector, get: FieldGetter): boolean {
  for (const t of sel.terms) {
    const v = get(t.field) ?? '';
    if (t.operator === '!=' ? v === t.value : v !== t.value) return false;
  }
  return true;
}

/** Convenience: match against a plain map of field values. */
export function matchesFieldSet(sel: FieldSelector, set: Readonly<Record<string, string>>): boolean {
  return matchesFields(sel, (f) => (Object.prototype.hasOwnProperty.call(set, f) ? set[f] : undefined));
}

/** The distinct fields the selector mentions, in order: the API server checks these against the supported list. */
export function referencedFields(sel: FieldSelector): string[] {
  return [...new Set(sel.terms.map((t) => t.field))];
}

/** If the selector pins `field` to one value (=/==), that value: lets a list use an index (spec.nodeName, metadata.name). */
export function requiresExactMatch(sel: FieldSelector, field: string): string | undefined {
  for (const t of sel.terms) if (t.field === field && t.operator !== '!=') return t.value;
  return undefined;
}

/** fields.Selector.String(): terms joined by ",", values escaped; "==" prints as "=". */
export function fieldSelectorToString(sel: FieldSelector): string {
  return sel.terms.map((t) => `${t.field}${t.operator === '!=' ? '!=' : '='}${escapeValue(t.value)}`).join(',');
}

/**
 * Rewrite each term (ParseAndTransformSelector / Selector.Transform): e.g. map a legacy field name or
 * reject an unsupported one by throwing. A term mapped to an empty field and value is dropped.
 */
export function transformFieldSelector(sel: FieldSelector, fn: (field: string, value: string) => { field: string; value: string }): FieldSelector {
  const terms: FieldTerm[] = [];
  for (const t of sel.terms) {
    const r = fn(t.field, t.value);
    if (r.field === '' && r.value === '') continue;
    terms.push({ field: r.field, operator: t.operator, value: r.value });
  }
  return terms.length ? { terms } : EVERYTHING;
}

/** 400 for a field the resource cannot be selected on, worded as Kubernetes' conversion funcs word it. */
export function unsupportedFieldError(field: string): ApiError {
  return errors.badRequest(`field label not supported: ${field}`);
}

/**
 * 400 for types with no field-label conversion of their own (runtime.DefaultMetaV1FieldSelectorConversion:
 * most non-core resources), which word it differently.
 */
export function unknownFieldSelectorError(field: string): ApiError {
  return errors.badRequest(`${JSON.stringify(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
}

/**
 * Reject any referenced field not in `supported` (the API server's check before listing).
 * metadata.name and metadata.namespace are supported for every resource. With `supported`
 * undefined the resource only has those two, and the error uses the generic wording.
 */
export function checkSupportedFields(sel: FieldSelector, supported?: Iterable<string>): void {
  const ok = new Set(['metadata.name', 'metadata.namespace', ...(supported ?? [])]);
  for (const f of referencedFields(sel)) {
    if (!ok.has(f)) throw supported === undefined ? unknownFieldSelectorError(f) : unsupportedFieldError(f);
  }
}

/** Alias: `matches(sel, get)` reads naturally where the labels module is not also imported. */
export { matchesFields as matches };

// Label and field selectors as the API server applies them to lists and watches (parsing and
// matching live in src/machinery; this adapts them to the shapes the REST layer filters with).
import { parseSelector, matches, isEmpty } from '../machinery/labels/selector.js';
import { parseFieldSelector as parseFields, matchesFields } from '../machinery/fields/selector.js';

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;
export type FieldMatcher = (fields: (name: string) => string | undefined) => boolean;

export interface FieldReq { field: string; op: '=' | '!='; value: string }

/** null when the selector selects everything; 400 ApiError for bad syntax. */
export function parseLabelSelector(sel: string | null): LabelMatcher | null {
  if (sel === null || sel.trim() === '') return null;
  const s = parseSelector(sel);
  if (isEmpty(s)) return null;
  return (labels) => matches(s, labels);
}

export function parseFieldSelector(sel: string | null): FieldReq[] {
  if (sel === null || sel.trim() === '') return [];
  return parseFields(sel).terms.map((t) => ({ field: t.field, op: t.operator === '!=' ? '!=' : '=', value: t.value }));
}

export function fieldMatcher(reqs: FieldReq[]): FieldMatcher | null {
  if (!reqs.length) return null;
  const sel = { terms: reqs.map((r) => ({ field: r.field, operator: r.op, value: r.value })) };
  return (get) => matchesFields(sel, (f) => get(f) ?? '');
}

// Label selectors (k8s.io/apimachinery/pkg/labels + metav1.LabelSelectorAsSelector): the string form
// used in `?labelSelector=` and `kubectl -l`, the struct form in specs, one internal shape for
// both, matching, and the canonical string Kubernetes prints.
import { ApiError, errors } from '../errors.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';
import { goQuote, goStringSlice } from '../validation/go-render.js';

/** selection.Operator values, spelled as Kubernetes spells them. */
export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

/**
 * A parsed selector. `requirements` are ANDed; none means "everything". `nothing` is what a
 * nil struct selector (`selector: null` / absent) converts to: it matches no object.
 */
export type Selector =
  | { readonly kind: 'requirements'; readonly requirements: readonly Requirement[] }
  | { readonly kind: 'nothing' };

/** metav1.LabelSelector, structurally (machinery does not import the api layer). */
export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export type Labels = Readonly<Record<string, string>>;

const EVERYTHING: Selector = Object.freeze({ kind: 'requirements', requirements: Object.freeze([]) as readonly Requirement[] });
const NOTHING: Selector = Object.freeze({ kind: 'nothing' });

export function everything(): Selector {
  return EVERYTHING;
}
export function nothing(): Selector {
  return NOTHING;
}

/** True when the selector does not restrict anything (matches every object). */
export function isEmpty(sel: Selector): boolean {
  return sel.kind === 'requirements' && sel.requirements.length === 0;
}

/** True only for the nothing selector (what a nil struct selector becomes). */
export function matchesNothing(sel: Selector): boolean {
  return sel.kind === 'nothing';
}

const BINARY_OPERATORS: Operator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const VALID_OPERATORS: Operator[] = [...BINARY_OPERATORS, 'exists', '!'];

// --- requirement construction and its errors, worded as field.Error.Error() prints them ---

/** One error as Go's field.Error prints it: "<path>: <body>", nil paths printing as "<nil>". */
function fieldErrorString(path: string | undefined, body: string): string {
  return `${path ?? '<nil>'}: ${body}`;
}

/** Go's errors aggregate: one error prints alone, several as "[a, b]" (duplicates dropped). */
function aggregate(msgs: string[]): string {
  const uniq = [...new Set(msgs)];
  return uniq.length === 1 ? uniq[0]! : `[${uniq.join(', ')}]`;
}

function keyError(key: string, path: string | undefined): string | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? fieldErrorString(path, `Invalid value: ${goQuote(key)}: ${errs.join('; ')}`) : undefined;
}

/** The problems NewRequirement finds, as Go error strings; empty when valid. */
function requirementErrors(key: string, op: string, vals: readonly string[], path?: string): string[] {
  const errs: string[] = [];
  const child = (c: string) => (path ? `${path}.${c}` : c);
  const ke = keyError(key, child('key'));
  if (ke) errs.push(ke);
  const vp = child('values');
  switch (op) {
    case 'in':
    case 'notin':
      if (vals.length === 0) errs.push(fieldErrorString(vp, `Invalid value: ${goStringSlice(vals)}: for 'in', 'notin' operators, values set can't be empty`));
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) errs.push(fieldErrorString(vp, `Invalid value: ${goStringSlice(vals)}: exact-match compatibility requires one single value`));
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) errs.push(fieldErrorString(vp, `Invalid value: ${goStringSlice(vals)}: values set must be empty for exists and does not exist`));
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) errs.push(fieldErrorString(vp, `Invalid value: ${goStringSlice(vals)}: for 'Gt', 'Lt' operators, exactly one value is required`));
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(fieldErrorString(`${vp}[${i}]`, `Invalid value: ${goQuote(v)}: for 'Gt', 'Lt' operators, the value must be an integer`));
      });
      break;
    default:
      errs.push(fieldErrorString(child('operator'), `Unsupported value: ${goQuote(op)}: supported values: ${VALID_OPERATORS.map(goQuote).join(', ')}`));
  }
  vals.forEach((v, i) => {
    const ve = isValidLabelValue(v);
    if (ve.length) errs.push(fieldErrorString(`${vp}[${i}][${key}]`, `Invalid value: ${goQuote(v)}: ${ve.join('; ')}`));
  });
  return errs;
}

/** labels.NewRequirement: validates and builds one requirement; 400 BadRequest when invalid. */
export function newRequirement(key: string, operator: Operator, values: readonly string[] = []): Requirement {
  const errs = requirementErrors(key, operator, values);
  if (errs.length) throw errors.badRequest(aggregate(errs));
  return { key, operator, values: [...values] };
}

/** strconv.ParseInt(s, 10, 64) as a bigint, undefined when Go would fail. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) return undefined;
  return v;
}

function byKey(a: Requirement, b: Requirement): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Add requirements; the result is sorted by key, as labels.Selector.Add does. */
export function addRequirements(sel: Selector, ...reqs: Requirement[]): Selector {
  if (sel.kind === 'nothing') return sel;
  return { kind: 'requirements', requirements: [...sel.requirements, ...reqs].sort(byKey) };
}

// --- matching ---

export function requirementMatches(r: Requirement, labels: Labels | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const val = has ? labels![r.key]! : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(val!);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(val!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const lv = parseInt64(val!);
      const rv = parseInt64(r.values[0]!);
      if (lv === undefined || rv === undefined) return false;
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
    default:
      return false;
  }
}

/** Does the selector match this label set? Everything matches all; nothing matches none. */
export function matches(sel: Selector, labels: Labels | undefined): boolean {
  if (sel.kind === 'nothing') return false;
  for (const r of sel.requirements) if (!requirementMatches(r, labels)) return false;
  return true;
}

/** If the selector pins `label` to one value (=, ==, or `in` with one value), that value. */
export function requiresExactMatch(sel: Selector, label: string): string | undefined {
  if (sel.kind === 'nothing') return undefined;
  for (const r of sel.requirements) {
    if (r.key !== label) continue;
    if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) return r.values[0];
    return undefined;
  }
  return undefined;
}

// --- printing ---

function sortedValues(vals: readonly string[]): string[] {
  return [...vals].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function requirementToString(r: Requirement): string {
  let s = r.operator === '!' ? '!' + r.key : r.key;
  switch (r.operator) {
    case '=': s += '='; break;
    case '==': s += '=='; break;
    case '!=': s += '!='; break;
    case 'in': s += ' in '; break;
    case 'notin': s += ' notin '; break;
    case 'gt': s += '>'; break;
    case 'lt': s += '<'; break;
    case 'exists':
    case '!':
      return s;
  }
  const v = r.values.length === 1 ? r.values[0]! : sortedValues(r.values).join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${s}(${v})` : s + v;
}

/** labels.Selector.String(): requirements joined by ","; "" for everything and for nothing. */
export function selectorToString(sel: Selector): string {
  if (sel.kind === 'nothing') return '';
  return sel.requirements.map(requirementToString).join(',');
}

/** metav1.FormatLabelSelector: "<none>" when empty or nil, "<error>" when invalid. */
export function formatLabelSelector(ls: LabelSelector | null | undefined): string {
  let sel: Selector;
  try {
    sel = labelSelectorAsSelector(ls);
  } catch {
    return '<error>';
  }
  return selectorToString(sel) || '<none>';
}

// --- building from a set and from the struct form ---

/** labels.SelectorFromSet: key=value for each entry, sorted by key; empty/undefined set = everything. No validation. */
export function selectorFromSet(set: Labels | null | undefined): Selector {
  if (!set) return EVERYTHING;
  const reqs: Requirement[] = Object.keys(set).map((k) => ({ key: k, operator: '=' as const, values: [set[k]!] }));
  return reqs.length ? { kind: 'requirements', requirements: reqs.sort(byKey) } : EVERYTHING;
}

/** Like selectorFromSet but validates keys and values first (400 on a bad one). */
export function validatedSelectorFromSet(set: Labels | null | undefined): Selector {
  if (!set) return EVERYTHING;
  const reqs = Object.keys(set).map((k) => newRequirement(k, '=', [set[k]!]));
  return reqs.length ? { kind: 'requirements', requirements: reqs.sort(byKey) } : EVERYTHING;
}

const STRUCT_OPERATORS: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * metav1.LabelSelectorAsSelector: nil/undefined matches nothing; `{}` matches everything.
 * Invalid keys, values or operators throw 400 BadRequest with Kubernetes' message.
 */
export function labelSelectorAsSelector(ls: LabelSelector | null | undefined): Selector {
  if (ls == null) return NOTHING;
  const ml = ls.matchLabels ?? {};
  const me = ls.matchExpressions ?? [];
  if (Object.keys(ml).length + me.length === 0) return EVERYTHING;
  const reqs: Requirement[] = [];
  for (const k of Object.keys(ml)) reqs.push(newRequirement(k, '=', [ml[k]!]));
  for (const e of me) {
    const op = Object.prototype.hasOwnProperty.call(STRUCT_OPERATORS, e.operator) ? STRUCT_OPERATORS[e.operator] : undefined;
    if (!op) throw errors.badRequest(`${goQuote(e.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(e.key, op, e.values ?? []));
  }
  return { kind: 'requirements', requirements: reqs.sort(byKey) };
}

// --- the string parser: Kubernetes' lexer and recursive-descent parser, token for token ---

const enum Tok {
  Error, EndOfString, ClosedPar, Comma, DoesNotExist, DoubleEquals, Equals, GreaterThan,
  Identifier, In, LessThan, NotEquals, NotIn, OpenPar,
}

const STRING_TO_TOKEN: Record<string, Tok> = {
  ')': Tok.ClosedPar, ',': Tok.Comma, '!': Tok.DoesNotExist, '==': Tok.DoubleEquals, '=': Tok.Equals,
  '>': Tok.GreaterThan, in: Tok.In, '<': Tok.LessThan, '!=': Tok.NotEquals, notin: Tok.NotIn, '(': Tok.OpenPar,
};
function lookupToken(s: string): Tok | undefined {
  return Object.prototype.hasOwnProperty.call(STRING_TO_TOKEN, s) ? STRING_TO_TOKEN[s] : undefined;
}

const isWhitespace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string) => c === '=' || c === '!' || c === '(' || c === ')' || c === ',' || c === '>' || c === '<';

interface Item { tok: Tok; lit: string }

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos]!)) pos++;
    if (pos >= s.length) {
      items.push({ tok: Tok.EndOfString, lit: '' });
      return items;
    }
    if (isSpecial(s[pos]!)) {
      // Longest run of special symbols that still forms a known operator ("!=" over "!").
      let buf = '';
      let last: Item | undefined;
      while (pos < s.length && isSpecial(s[pos]!)) {
        buf += s[pos];
        const t = lookupToken(buf);
        if (t !== undefined) last = { tok: t, lit: buf };
        else if (last) break;
        pos++;
      }
      items.push(last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buf}'` });
    } else {
      let buf = '';
      while (pos < s.length && !isSpecial(s[pos]!) && !isWhitespace(s[pos]!)) buf += s[pos++];
      const t = lookupToken(buf);
      items.push({ tok: t ?? Tok.Identifier, lit: buf });
    }
  }
}

class ParseError extends Error {}

class Parser {
  private pos = 0;
  constructor(private readonly items: Item[]) {}

  // In a values context "in" and "notin" are ordinary identifiers.
  private lookahead(values: boolean): Item {
    const it = this.items[this.pos]!;
    return values && (it.tok === Tok.In || it.tok === Tok.NotIn) ? { tok: Tok.Identifier, lit: it.lit } : it;
  }
  private consume(values: boolean): Item {
    const it = this.lookahead(values);
    this.pos++;
    return it;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      if (tok === Tok.Identifier || tok === Tok.DoesNotExist) {
        let r: Requirement;
        try {
          r = this.parseRequirement();
        } catch (e) {
          if (e instanceof ParseError) throw new ParseError(`unable to parse requirement: ${e.message}`);
          throw e;
        }
        reqs.push(r);
        const t = this.consume(true);
        if (t.tok === Tok.EndOfString) return reqs;
        if (t.tok === Tok.Comma) {
          const t2 = this.lookahead(true);
          if (t2.tok !== Tok.Identifier && t2.tok !== Tok.DoesNotExist) throw new ParseError(`found '${t2.lit}', expected: identifier after ','`);
        } else {
          throw new ParseError(`found '${t.lit}', expected: ',' or 'end of string'`);
        }
      } else if (tok === Tok.EndOfString) {
        return reqs;
      } else {
        throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private build(key: string, op: Operator, vals: string[]): Requirement {
    const errs = requirementErrors(key, op, vals);
    if (errs.length) throw new ParseError(aggregate(errs));
    return { key, operator: op, values: vals };
  }

  private parseRequirement(): Requirement {
    const { key, op } = this.parseKeyAndInferOperator();
    if (op === 'exists' || op === '!') return this.build(key, op, []);
    const operator = this.parseOperator();
    const vals = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    // sets.String.List(): de-duplicated and sorted.
    return this.build(key, operator, sortedValues([...new Set(vals)]));
  }

  private parseKeyAndInferOperator(): { key: string; op: Operator | '' } {
    let op: Operator | '' = '';
    let t = this.consume(true);
    if (t.tok === Tok.DoesNotExist) {
      op = '!';
      t = this.consume(true);
    }
    if (t.tok !== Tok.Identifier) throw new ParseError(`found '${t.lit}', expected: identifier`);
    const ke = keyError(t.lit, undefined);
    if (ke) throw new ParseError(ke);
    const next = this.lookahead(true).tok;
    if ((next === Tok.EndOfString || next === Tok.Comma) && op !== '!') op = 'exists';
    return { key: t.lit, op };
  }

  private parseOperator(): Operator {
    const { tok, lit } = this.consume(false);
    switch (tok) {
      case Tok.In: return 'in';
      case Tok.Equals: return '=';
      case Tok.DoubleEquals: return '==';
      case Tok.GreaterThan: return 'gt';
      case Tok.LessThan: return 'lt';
      case Tok.NotIn: return 'notin';
      case Tok.NotEquals: return '!=';
      default: throw new ParseError(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  private parseValues(): string[] {
    const open = this.consume(true);
    if (open.tok !== Tok.OpenPar) throw new ParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(true);
    if (tok === Tok.Identifier || tok === Tok.Comma) {
      const s = this.parseIdentifiersList();
      if (this.consume(true).tok !== Tok.ClosedPar) throw new ParseError(`found '${lit}', expected: ')'`);
      return s;
    }
    if (tok === Tok.ClosedPar) {
      this.consume(true);
      return [''];
    }
    throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
  }

  private parseIdentifiersList(): string[] {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(true);
      if (tok === Tok.Identifier) {
        s.add(lit);
        const t2 = this.lookahead(true);
        if (t2.tok === Tok.Comma) continue;
        if (t2.tok === Tok.ClosedPar) return [...s];
        throw new ParseError(`found '${t2.lit}', expected: ',' or ')'`);
      } else if (tok === Tok.Comma) {
        // Empty values are allowed: "(,a)", "(a,)", "(a,,b)".
        if (s.size === 0) s.add('');
        const t2 = this.lookahead(true).tok;
        if (t2 === Tok.ClosedPar) {
          s.add('');
          return [...s];
        }
        if (t2 === Tok.Comma) s.add('');
      } else {
        throw new ParseError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): string[] {
    const t = this.lookahead(true).tok;
    if (t === Tok.EndOfString || t === Tok.Comma) return [''];
    const { tok, lit } = this.consume(true);
    if (tok === Tok.Identifier) return [lit];
    throw new ParseError(`found '${lit}', expected: identifier`);
  }
}

/**
 * labels.Parse: the string form ("a=b,c!=d,e in (x,y),f notin (z),g,!h,n>1").
 * "" parses to everything. Bad syntax throws 400 BadRequest with Kubernetes' message.
 */
export function parseSelector(s: string): Selector {
  let reqs: Requirement[];
  try {
    reqs = new Parser(lex(s)).parse();
  } catch (e) {
    if (e instanceof ParseError) throw errors.badRequest(e.message);
    throw e;
  }
  if (reqs.length === 0) return EVERYTHING;
  return { kind: 'requirements', requirements: reqs.sort(byKey) };
}

/** True when the error came from selector parsing or conversion (a 400). */
export function isSelectorError(e: unknown): e is ApiError {
  return e instanceof ApiError && e.code === 400;
}

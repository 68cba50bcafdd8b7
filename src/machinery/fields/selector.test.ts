import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import {
  parseFieldSelector, matchesFields, matchesFieldSet, referencedFields, requiresExactMatch, fieldSelectorToString,
  escapeValue, unescapeValue, checkSupportedFields, transformFieldSelector, fieldSelectorFromSet, oneTermEqual,
  isEmptyFieldSelector,
} from './selector.js';

function badRequest(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => e instanceof ApiError && e.code === 400 && e.reason === 'BadRequest' && e.message === message);
}

test('parses =, == and != terms separated by commas', () => {
  const sel = parseFieldSelector('spec.nodeName=n1,status.phase!=Running,metadata.name==p');
  // Kubernetes sorts the raw terms before parsing.
  assert.equal(fieldSelectorToString(sel), 'metadata.name=p,spec.nodeName=n1,status.phase!=Running');
  assert.deepEqual(referencedFields(sel), ['metadata.name', 'spec.nodeName', 'status.phase']);
});

test('the empty selector and empty terms select everything', () => {
  assert.ok(isEmptyFieldSelector(parseFieldSelector('')));
  assert.ok(isEmptyFieldSelector(parseFieldSelector(',,')));
  assert.ok(matchesFields(parseFieldSelector(''), () => undefined));
});

test('matching treats a missing field as the empty string', () => {
  const obj: Record<string, string> = { 'spec.nodeName': 'n1', 'status.phase': 'Pending' };
  const get = (f: string) => obj[f];
  assert.ok(matchesFields(parseFieldSelector('spec.nodeName=n1'), get));
  assert.ok(!matchesFields(parseFieldSelector('spec.nodeName=n2'), get));
  assert.ok(matchesFields(parseFieldSelector('status.phase!=Running'), get));
  assert.ok(!matchesFields(parseFieldSelector('spec.nodeName=n1,status.phase=Running'), get));
  assert.ok(matchesFields(parseFieldSelector('spec.other='), get));
  assert.ok(matchesFields(parseFieldSelector('spec.other!=x'), get));
  assert.ok(matchesFieldSet(parseFieldSelector('a=b'), { a: 'b' }));
});

test('escaped commas, equals signs and backslashes are data in values', () => {
  const sel = parseFieldSelector('a=x\\,y\\=z\\\\,b=2');
  assert.deepEqual(sel.terms.map((t) => [t.field, t.value]), [['a', 'x,y=z\\'], ['b', '2']]);
  assert.equal(fieldSelectorToString(sel), 'a=x\\,y\\=z\\\\,b=2');
  assert.equal(escapeValue('a,b=c\\'), 'a\\,b\\=c\\\\');
  assert.equal(unescapeValue(escapeValue('a,b=c\\d')), 'a,b=c\\d');
});

test('bad terms and bad escapes are 400s with Kubernetes\' messages', () => {
  badRequest(() => parseFieldSelector('a=b,nonsense'), "invalid selector: 'a=b,nonsense'; can't understand 'nonsense'");
  badRequest(() => parseFieldSelector('a=b\\c'), 'invalid field selector: invalid escape sequence: \\c');
  badRequest(() => parseFieldSelector('a=b\\'), 'invalid field selector: invalid escape sequence: \\');
  badRequest(() => parseFieldSelector('a=b=c'), 'invalid field selector: unescaped character in value: 61');
});

test('the first operator splits a term; the field is not unescaped', () => {
  const sel = parseFieldSelector('a!=b');
  assert.equal(sel.terms[0]!.operator, '!=');
  assert.equal(parseFieldSelector('a==b').terms[0]!.value, 'b');
});

test('requiresExactMatch returns the pinned value of an equality term only', () => {
  const sel = parseFieldSelector('spec.nodeName=n1,status.phase!=Failed');
  assert.equal(requiresExactMatch(sel, 'spec.nodeName'), 'n1');
  assert.equal(requiresExactMatch(sel, 'status.phase'), undefined);
  assert.equal(requiresExactMatch(sel, 'metadata.name'), undefined);
  assert.equal(requiresExactMatch(oneTermEqual('metadata.name', 'x'), 'metadata.name'), 'x');
});

test('unsupported fields are rejected with "field label not supported"', () => {
  const sel = parseFieldSelector('metadata.name=a,spec.bogus=1');
  badRequest(() => checkSupportedFields(sel, ['spec.nodeName']), 'field label not supported: spec.bogus');
  checkSupportedFields(parseFieldSelector('metadata.namespace=d,spec.nodeName=n'), ['spec.nodeName']);
  badRequest(() => checkSupportedFields(parseFieldSelector('spec.replicas=1')), '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"');
  checkSupportedFields(parseFieldSelector('metadata.name=x'));
});

test('transform rewrites terms and drops ones mapped to nothing', () => {
  const sel = transformFieldSelector(parseFieldSelector('name=a,x=y'), (f, v) => (f === 'name' ? { field: 'metadata.name', value: v } : { field: '', value: '' }));
  assert.equal(fieldSelectorToString(sel), 'metadata.name=a');
  assert.equal(fieldSelectorToString(fieldSelectorFromSet({ a: '1' })), 'a=1');
  assert.ok(isEmptyFieldSelector(fieldSelectorFromSet(undefined)));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateLabelSelector, validateLabels } from './validation.js';
import { invalidError } from '../field-errors.js';

test('a valid selector has no errors; a nil selector is valid here', () => {
  assert.deepEqual(validateLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'example.com/tier', operator: 'In', values: ['a'] }] }, 'spec.selector'), []);
  assert.deepEqual(validateLabelSelector(undefined, 'spec.selector'), []);
});

test('reports bad operators, missing and forbidden values with the expression path', () => {
  const errs = validateLabelSelector({
    matchExpressions: [
      { key: 'a', operator: 'Equals', values: ['x'] },
      { key: 'b', operator: 'In' },
      { key: 'c', operator: 'Exists', values: ['x'] },
    ],
  }, 'spec.selector');
  assert.deepEqual(errs, [
    { type: 'FieldValueInvalid', field: 'spec.selector.matchExpressions[0].operator', message: 'Invalid value: "Equals": not a valid selector operator' },
    { type: 'FieldValueRequired', field: 'spec.selector.matchExpressions[1].values', message: "Required value: must be specified when `operator` is 'In' or 'NotIn'" },
    { type: 'FieldValueForbidden', field: 'spec.selector.matchExpressions[2].values', message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'" },
  ]);
});

test('bad keys in expressions and bad matchLabels are reported', () => {
  const errs = validateLabelSelector({ matchLabels: { 'a b': 'x', ok: '-bad' }, matchExpressions: [{ key: '', operator: 'Exists' }] }, 'spec.selector');
  assert.equal(errs.length, 4);
  assert.equal(errs[0]!.field, 'spec.selector.matchLabels');
  assert.match(errs[0]!.message, /^Invalid value: "a b": name part must consist of/);
  assert.match(errs[1]!.message, /^Invalid value: "-bad": a valid label must be an empty string/);
  assert.equal(errs[2]!.field, 'spec.selector.matchExpressions[0].key');
  assert.match(errs[2]!.message, /^Invalid value: "": name part must be non-empty$/);
  assert.match(errs[3]!.message, /^Invalid value: "": name part must consist of/);
});

test('label errors render into a 422 the way kubectl shows them', () => {
  const e = invalidError('Pod', 'p', validateLabels({ 'x/y/z': 'v' }, 'metadata.labels'));
  assert.equal(e.code, 422);
  assert.match(e.message, /^Pod "p" is invalid: metadata.labels: Invalid value: "x\/y\/z": a qualified name must consist of/);
});

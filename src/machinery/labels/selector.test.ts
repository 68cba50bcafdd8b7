import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import {
  parseSelector, selectorToString, matches, labelSelectorAsSelector, formatLabelSelector, selectorFromSet,
  validatedSelectorFromSet, everything, nothing, isEmpty, matchesNothing, requiresExactMatch, newRequirement,
  addRequirements,
} from './selector.js';

function parseError(s: string): ApiError {
  try {
    parseSelector(s);
  } catch (e) {
    assert.ok(e instanceof ApiError, 'throws ApiError');
    return e;
  }
  assert.fail(`expected ${JSON.stringify(s)} to be rejected`);
}

test('parses every operator of the string form and prints it back canonically (sorted by key)', () => {
  const sel = parseSelector('g,!h,f notin (z),e in (y,x),c!=d,a=b');
  assert.equal(selectorToString(sel), 'a=b,c!=d,e in (x,y),f notin (z),g,!h');
  assert.equal(selectorToString(parseSelector('a==b')), 'a==b');
  assert.equal(selectorToString(parseSelector('a>1,b<10')), 'a>1,b<10');
});

test('whitespace around keys, operators and values is ignored', () => {
  assert.equal(selectorToString(parseSelector('  a = b ,\tc  in ( x , y ) , ! d ')), 'a=b,c in (x,y),!d');
});

test('set values are de-duplicated and sorted; empty values allowed', () => {
  assert.equal(selectorToString(parseSelector('x in (foo,,baz),y,z notin ()')), 'x in (,baz,foo),y,z notin ()');
  assert.equal(selectorToString(parseSelector('a in (b,a,b)')), 'a in (a,b)');
  assert.equal(selectorToString(parseSelector('a=')), 'a=');
});

test('"in" and "notin" are ordinary identifiers where a value is expected', () => {
  assert.equal(selectorToString(parseSelector('in in (in,notin)')), 'in in (in,notin)');
});

test('an empty string is the everything selector', () => {
  const sel = parseSelector('');
  assert.ok(isEmpty(sel));
  assert.ok(matches(sel, {}));
  assert.ok(matches(parseSelector('   '), { a: 'b' }));
});

test('matching follows Kubernetes semantics for each operator', () => {
  const l = { app: 'web', tier: 'front', n: '5' };
  const m = (s: string, labels: Record<string, string> = l) => matches(parseSelector(s), labels);
  assert.ok(m('app=web'));
  assert.ok(!m('app=db'));
  assert.ok(m('app==web'));
  assert.ok(m('app!=db'));
  assert.ok(m('missing!=x'), '!= matches when the key is absent');
  assert.ok(m('app in (db,web)'));
  assert.ok(!m('missing in (x)'));
  assert.ok(m('app notin (db)'));
  assert.ok(m('missing notin (x)'), 'notin matches when the key is absent');
  assert.ok(!m('app notin (web)'));
  assert.ok(m('tier'));
  assert.ok(!m('missing'));
  assert.ok(m('!missing'));
  assert.ok(!m('!app'));
  assert.ok(m('n>4'));
  assert.ok(!m('n>5'));
  assert.ok(m('n<6'));
  assert.ok(!m('app>1'), 'a non-integer label value never satisfies gt');
  assert.ok(!m('missing<1'));
  assert.ok(m('app=web,tier=front'));
  assert.ok(!m('app=web,tier=back'));
  assert.ok(!matches(parseSelector('app=web'), undefined));
  assert.ok(matches(parseSelector('!app'), undefined));
});

test('bad syntax is a 400 BadRequest with Kubernetes\' message', () => {
  let e = parseError('a b');
  assert.equal(e.code, 400);
  assert.equal(e.reason, 'BadRequest');
  assert.equal(e.message, 'unable to parse requirement: found \'b\', expected: in, notin, =, ==, !=, gt, lt');
  assert.equal(e.toStatus().reason, 'BadRequest');

  assert.equal(parseError('a=b c').message, "found 'c', expected: ',' or 'end of string'");
  assert.equal(parseError('a,').message, "found '', expected: identifier after ','");
  assert.equal(parseError(',a').message, "found ',', expected: !, identifier, or 'end of string'");
  assert.equal(parseError('a in b').message, "unable to parse requirement: found 'b' expected: '('");
  assert.equal(parseError('a in (b').message, "unable to parse requirement: found '', expected: ',' or ')'");
  assert.equal(parseError('a=(b)').message, "unable to parse requirement: found '(', expected: identifier");
  assert.equal(parseError('!a=b').message, "found '=', expected: ',' or 'end of string'");
  e = parseError('a>b');
  assert.equal(e.message, 'unable to parse requirement: values[0]: Invalid value: "b": for \'Gt\', \'Lt\' operators, the value must be an integer');
});

test('invalid keys and values report the field path Kubernetes prints', () => {
  assert.equal(
    parseError('-a=b').message,
    'unable to parse requirement: <nil>: Invalid value: "-a": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', ' +
      "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  );
  assert.match(parseError('a=-b').message, /^unable to parse requirement: values\[0\]\[a\]: Invalid value: "-b": a valid label must be an empty string/);
  assert.match(parseError('x=' + 'y'.repeat(64)).message, /values\[0\]\[x\]: Invalid value: "y+": must be no more than 63 characters$/);
});

test('LabelSelector struct converts to the same selector as the string form', () => {
  const fromStruct = labelSelectorAsSelector({
    matchLabels: { b: '1', a: '2' },
    matchExpressions: [
      { key: 'c', operator: 'In', values: ['z', 'y'] },
      { key: 'd', operator: 'DoesNotExist' },
      { key: 'e', operator: 'Exists' },
      { key: 'f', operator: 'NotIn', values: ['q'] },
    ],
  });
  const fromString = parseSelector('a=2,b=1,c in (y,z),!d,e,f notin (q)');
  assert.equal(selectorToString(fromStruct), selectorToString(fromString));
  for (const labels of <Record<string, string>[]>[{ a: '2', b: '1', c: 'y', e: '' }, { a: '2', b: '1', c: 'y', e: '', f: 'q' }, { a: '2' }]) {
    assert.equal(matches(fromStruct, labels), matches(fromString, labels));
  }
});

test('a nil struct selector matches nothing; an empty one matches everything', () => {
  assert.ok(matchesNothing(labelSelectorAsSelector(undefined)));
  assert.ok(matchesNothing(labelSelectorAsSelector(null)));
  assert.ok(!matches(labelSelectorAsSelector(null), {}));
  assert.ok(!matches(nothing(), { a: 'b' }));
  assert.ok(isEmpty(labelSelectorAsSelector({})));
  assert.ok(matches(labelSelectorAsSelector({ matchLabels: {}, matchExpressions: [] }), { any: 'thing' }));
  assert.ok(matches(everything(), {}));
});

test('invalid struct selectors are rejected with Kubernetes\' messages', () => {
  assert.throws(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'c', operator: 'Foo' }] }), (e: unknown) =>
    e instanceof ApiError && e.code === 400 && e.message === '"Foo" is not a valid label selector operator');
  assert.throws(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'c', operator: 'Exists', values: ['a'] }] }), {
    message: 'values: Invalid value: []string{"a"}: values set must be empty for exists and does not exist',
  });
  assert.throws(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'c', operator: 'In', values: [] }] }), {
    message: "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
  });
  assert.throws(() => labelSelectorAsSelector({ matchLabels: { '-x': 'a b' } }), (e: unknown) =>
    e instanceof ApiError && e.message.startsWith('[key: Invalid value: "-x": name part') && e.message.includes(', values[0][-x]: Invalid value: "a b": '));
});

test('formatLabelSelector prints like metav1.FormatLabelSelector', () => {
  assert.equal(formatLabelSelector(undefined), '<none>');
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector({ matchLabels: { app: 'web' } }), 'app=web');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'c', operator: 'Foo' }] }), '<error>');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'k', operator: 'NotIn', values: ['b', 'a'] }] }), 'k notin (a,b)');
});

test('selectorFromSet builds sorted equality requirements; an empty set is everything', () => {
  const sel = selectorFromSet({ tier: 'front', app: 'web' });
  assert.equal(selectorToString(sel), 'app=web,tier=front');
  assert.ok(matches(sel, { app: 'web', tier: 'front', x: 'y' }));
  assert.ok(!matches(sel, { app: 'web' }));
  assert.ok(isEmpty(selectorFromSet({})));
  assert.ok(isEmpty(selectorFromSet(undefined)));
  assert.throws(() => validatedSelectorFromSet({ 'a b': 'c' }), ApiError);
});

test('requiresExactMatch finds a key pinned to one value', () => {
  const sel = parseSelector('a=1,b in (2),c in (3,4),d!=5');
  assert.equal(requiresExactMatch(sel, 'a'), '1');
  assert.equal(requiresExactMatch(sel, 'b'), '2');
  assert.equal(requiresExactMatch(sel, 'c'), undefined);
  assert.equal(requiresExactMatch(sel, 'd'), undefined);
  assert.equal(requiresExactMatch(sel, 'zz'), undefined);
  assert.equal(requiresExactMatch(nothing(), 'a'), undefined);
});

test('newRequirement validates and addRequirements keeps key order', () => {
  const sel = addRequirements(everything(), newRequirement('z', 'exists'), newRequirement('a', 'in', ['x']));
  assert.equal(selectorToString(sel), 'a in (x),z');
  assert.throws(() => newRequirement('a', '=', ['x', 'y']), { message: 'values: Invalid value: []string{"x", "y"}: exact-match compatibility requires one single value' });
  assert.ok(matchesNothing(addRequirements(nothing(), newRequirement('a', 'exists'))));
});

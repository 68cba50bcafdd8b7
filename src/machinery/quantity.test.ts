import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quantity, QuantityError, parseQuantity, mustParseQuantity, quantityFromJSON, ERR_FORMAT_WRONG, ERR_SUFFIX } from './quantity.js';
import { fieldErrors } from './field-errors.js';

const canon = (s: string) => parseQuantity(s).toString();

test('prints the canonical form Kubernetes prints', () => {
  const cases: [string, string][] = [
    ['1000m', '1'], ['0.5', '500m'], ['1.5', '1500m'], ['100m', '100m'], ['0.1', '100m'], ['1k', '1k'], ['1000k', '1M'],
    ['1Ki', '1Ki'], ['1024Ki', '1Mi'], ['1.5Gi', '1536Mi'], ['0.5Gi', '512Mi'], ['1023Ki', '1023Ki'], ['2000Mi', '2000Mi'],
    ['1.1Ki', '1126400m'], ['512', '512'], ['0.5Ki', '512'], ['0', '0'], ['0Ki', '0'], ['0.0', '0'], ['-1.5', '-1500m'],
    ['-0.5Gi', '-512Mi'], ['1n', '1n'], ['0.1m', '100u'], ['123456789', '123456789'], ['10E', '10E'], ['100E', '100E'],
    // DecimalExponent keeps its form (Kubernetes prints "1e3", not "1k").
    ['1e3', '1e3'], ['12e6', '12e6'], ['1000e3', '1e6'], ['5e-3', '5e-3'], ['1e-10', '1e-9'],
  ];
  for (const [input, want] of cases) assert.equal(canon(input), want, input);
});

test('inputs Kubernetes already considers canonical are echoed back verbatim', () => {
  assert.equal(canon('+1'), '+1');
  assert.equal(canon('01'), '01');
  assert.equal(canon('1E3'), '1E3');
  assert.equal(canon('500m'), '500m');
  // ...but arithmetic results are always recomputed.
  assert.equal(parseQuantity('+1').add(parseQuantity('0')).toString(), '1');
});

test('anything finer than a nano-unit rounds up, never down to zero', () => {
  assert.equal(canon('0.0000000001'), '1n');
  assert.equal(parseQuantity('0.0000000001').nanos, 1n);
  assert.equal(parseQuantity('-0.0000000001').nanos, -1n);
});

test('binary quantities are capped at 2^63-1 and DecimalSI beyond E falls back to an exponent', () => {
  assert.equal(canon('16Ei'), '9223372036854775807');
  assert.equal(canon('1000E'), '1e21');
  assert.equal(canon('99999999999999999999'), '99999999999999999999');
});

test('invalid quantities fail with Kubernetes\' messages, usable as field errors', () => {
  assert.equal(ERR_FORMAT_WRONG, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  for (const bad of ['', 'abc', '1.2.3', '1Gi ', ' 1', '1+1', '1e', '-3.01e-']) {
    assert.throws(() => parseQuantity(bad), (e: unknown) => e instanceof QuantityError && (e.message === ERR_FORMAT_WRONG || e.message === ERR_SUFFIX), bad);
  }
  assert.throws(() => parseQuantity('1ki'), { message: ERR_SUFFIX });
  assert.throws(() => parseQuantity('1m3'), { message: ERR_SUFFIX });
  assert.throws(() => parseQuantity('1.2.3'), { message: ERR_FORMAT_WRONG });
  const e = quantityFromJSON('x1');
  assert.ok(e instanceof QuantityError);
  assert.equal(fieldErrors.invalid('spec.containers[0].resources.limits[cpu]', 'x1', e.message).message, `Invalid value: "x1": ${ERR_FORMAT_WRONG}`);
  assert.throws(() => mustParseQuantity('zz'), /^Error: cannot parse 'zz': quantities must match/);
});

test('exact arithmetic and comparison', () => {
  const sum = parseQuantity('100m').add(parseQuantity('0.2')).add(parseQuantity('1'));
  assert.equal(sum.toString(), '1300m');
  assert.equal(sum.milliValue(), 1300);
  // 0.1 + 0.2 is exact, unlike floating point.
  assert.ok(parseQuantity('0.1').add(parseQuantity('0.2')).equals(parseQuantity('0.3')));
  assert.equal(parseQuantity('1Gi').sub(parseQuantity('512Mi')).toString(), '512Mi');
  assert.equal(parseQuantity('1Gi').cmp(parseQuantity('1G')), 1);
  assert.equal(parseQuantity('1000m').cmp(parseQuantity('1')), 0);
  assert.equal(parseQuantity('1').cmp(parseQuantity('2')), -1);
  assert.equal(parseQuantity('250m').mul(4).toString(), '1');
  assert.equal(parseQuantity('1').neg().toString(), '-1');
  // Adding to zero adopts the other operand's format.
  assert.equal(Quantity.zero().add(parseQuantity('1Gi')).toString(), '1Gi');
  assert.equal(Quantity.zero('BinarySI').sign(), 0);
});

test('value and milliValue round up away from zero', () => {
  assert.equal(parseQuantity('100m').value(), 1);
  assert.equal(parseQuantity('1.5').value(), 2);
  assert.equal(parseQuantity('-1.5').value(), -2);
  assert.equal(parseQuantity('1.5').milliValue(), 1500);
  assert.equal(parseQuantity('0.1m').milliValue(), 1);
  assert.equal(parseQuantity('1Gi').value(), 1073741824);
  assert.equal(parseQuantity('8Ei').valueBig(), 9223372036854775807n);
  assert.equal(parseQuantity('2').scaledValue(3), 1n);
  assert.equal(parseQuantity('1').scaledValue(-9), 1_000_000_000n);
});

test('constructors match NewQuantity, NewMilliQuantity and NewScaledQuantity', () => {
  assert.equal(Quantity.fromValue(1024, 'BinarySI').toString(), '1Ki');
  assert.equal(Quantity.fromValue(5).toString(), '5');
  assert.equal(Quantity.fromMilli(1500).toString(), '1500m');
  assert.equal(Quantity.fromMilli(500, 'BinarySI').toString(), '500m');
  assert.equal(Quantity.fromScaled(5, 3).toString(), '5k');
  assert.equal(Quantity.fromScaled(1, -12).toString(), '1n');
  assert.equal(JSON.stringify({ cpu: parseQuantity('0.5') }), '{"cpu":"500m"}');
});

test('JSON values: strings are trimmed and numbers accepted, like UnmarshalJSON', () => {
  assert.equal(String(quantityFromJSON(' 1Gi ')), '1Gi');
  assert.equal(String(quantityFromJSON(0.5)), '500m');
  // The number's JSON text is echoed, as Go echoes the bytes it was given.
  assert.equal(String(quantityFromJSON(1e21)), '1e+21');
  assert.ok(quantityFromJSON(true) instanceof QuantityError);
});

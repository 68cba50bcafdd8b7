// resource.Quantity (k8s.io/apimachinery/pkg/api/resource): "100m", "1.5Gi", "1e3". Values are kept
// exactly as a bigint count of nano-units (Kubernetes rounds anything finer up to 1n), together
// with the format the user wrote, which decides how the canonical string is printed.

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/** The three parse failures, with Kubernetes' messages; `message` reads well as a FieldError detail. */
/** Quantity.parse's answers by text, bounded (the texts come from clients). */
const parsed = new Map<string, Quantity>();
const PARSED_CACHED = 4096;

export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}
export const ERR_FORMAT_WRONG = `quantities must match the regular expression '${SPLIT_RE}'`;
export const ERR_NUMERIC = 'unable to parse numeric part of quantity';
export const ERR_SUFFIX = "unable to parse quantity's suffix";

const NANO = 1_000_000_000n;
const MAX_INT64 = 9223372036854775807n;
/** Beyond this decimal exponent we refuse rather than build enormous integers (Kubernetes has no such limit). */
const MAX_DECIMAL_EXPONENT = 1000;

const DEC_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DEC_BY_EXP = new Map(Object.entries(DEC_SUFFIXES).map(([s, e]) => [e, s]));
const BIN_BY_EXP = new Map(Object.entries(BIN_SUFFIXES).map(([s, e]) => [e, s]));

function own<T>(m: Record<string, T>, k: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(m, k) ? m[k] : undefined;
}

interface Scanned { positive: boolean; num: string; denom: string; suffix: string }

/** Kubernetes' hand-written scanner (parseQuantityString), quirks included: "m", "." and "+" read as zero. */
function scan(str: string): Scanned {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end && (str[0] === '-' || str[0] === '+')) {
    positive = str[0] !== '-';
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };
  const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  pos = i;
  if (num.length === 0) num = '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    pos = i;
  }
  const suffixStart = pos;
  while (pos < end && 'eEinumkKMGTP'.includes(str[pos]!)) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) throw new QuantityError(ERR_FORMAT_WRONG);
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

function interpret(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } {
  const d = own(DEC_SUFFIXES, suffix);
  if (d !== undefined) return { base: 10, exponent: d, format: 'DecimalSI' };
  const b = own(BIN_SUFFIXES, suffix);
  if (b !== undefined) return { base: 2, exponent: b, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    const e = Number(suffix.slice(1));
    if (Math.abs(e) > MAX_DECIMAL_EXPONENT && e > 0) throw new QuantityError(ERR_NUMERIC);
    return { base: 10, exponent: Math.max(e, -MAX_DECIMAL_EXPONENT), format: 'DecimalExponent' };
  }
  throw new QuantityError(ERR_SUFFIX);
}

/** Magnitude divided by 10^k, rounded up (away from zero for the caller, who re-applies the sign). */
function divCeil(a: bigint, d: bigint): bigint {
  const q = a / d;
  return a % d === 0n ? q : q + 1n;
}

function abs(a: bigint): bigint {
  return a < 0n ? -a : a;
}

/** Round nanos to a whole multiple of 10^k nanos, away from zero, returning the quotient. */
function scaleAwayFromZero(nanos: bigint, divisor: bigint): bigint {
  const q = divCeil(abs(nanos), divisor);
  return nanos < 0n ? -q : q;
}

export class Quantity {
  /**
   * `cached` is the exact input text when Kubernetes would echo it back unchanged (it keeps the
   * original string when it is already canonical by its own test, e.g. "500m", and also "+1").
   */
  private constructor(readonly nanos: bigint, readonly format: QuantityFormat, private readonly cached?: string) {}

  /** ParseQuantity. Throws QuantityError (message as Kubernetes words it). */
  static parse(str: string): Quantity {
    // Quantities are immutable and the same few texts ("100m", "500Mi") arrive in every pod: parse
    // each once. Refusals are not remembered (they throw every time).
    let q = parsed.get(str);
    if (q === undefined) {
      q = Quantity.parseOnce(str);
      if (parsed.size >= PARSED_CACHED) parsed.clear();
      parsed.set(str, q);
    }
    return q;
  }

  private static parseOnce(str: string): Quantity {
    if (str.length === 0) throw new QuantityError(ERR_FORMAT_WRONG);
    if (str === '0') return new Quantity(0n, 'DecimalSI', '0');
    const { positive, num, denom, suffix } = scan(str);
    let { base, exponent, format } = interpret(suffix);
    const digits = BigInt(num + denom);

    let mag: bigint;
    if (base === 10) {
      const p = exponent - denom.length + 9;
      mag = p >= 0 ? digits * 10n ** BigInt(p) : divCeil(digits, 10n ** BigInt(-p));
    } else {
      const scaled = digits << BigInt(exponent);
      mag = denom.length <= 9 ? scaled * 10n ** BigInt(9 - denom.length) : divCeil(scaled, 10n ** BigInt(denom.length - 9));
      if (mag > MAX_INT64 * NANO) mag = MAX_INT64 * NANO; // binary quantities are capped at 2^63-1
      if (mag > 0n && mag < NANO) format = 'DecimalSI';
    }
    const nanos = positive ? mag : -mag;
    return new Quantity(nanos, format, echoesInput(str, num, denom, base, exponent, format) ? str : undefined);
  }

  /** NewQuantity(value, format). */
  static fromValue(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(value) * NANO, format);
  }
  /** NewMilliQuantity(value, format). */
  static fromMilli(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(milli) * 1_000_000n, format);
  }
  /** NewScaledQuantity(value, scale): value * 10^scale, DecimalSI. Anything below 1n rounds up. */
  static fromScaled(value: number | bigint, scale: number): Quantity {
    const v = BigInt(value);
    const p = scale + 9;
    return new Quantity(p >= 0 ? v * 10n ** BigInt(p) : scaleAwayFromZero(v, 10n ** BigInt(-p)), 'DecimalSI');
  }
  static fromNanos(nanos: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(nanos, format);
  }
  static zero(format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(0n, format);
  }

  isZero(): boolean {
    return this.nanos === 0n;
  }
  sign(): -1 | 0 | 1 {
    return this.nanos < 0n ? -1 : this.nanos > 0n ? 1 : 0;
  }
  cmp(o: Quantity): -1 | 0 | 1 {
    return this.nanos < o.nanos ? -1 : this.nanos > o.nanos ? 1 : 0;
  }
  equals(o: Quantity): boolean {
    return this.nanos === o.nanos;
  }
  /** Add: a zero receiver takes the other's format, as Kubernetes does. */
  add(o: Quantity): Quantity {
    return new Quantity(this.nanos + o.nanos, this.nanos === 0n ? o.format : this.format);
  }
  sub(o: Quantity): Quantity {
    return new Quantity(this.nanos - o.nanos, this.nanos === 0n ? o.format : this.format);
  }
  neg(): Quantity {
    return new Quantity(-this.nanos, this.format);
  }
  mul(factor: number | bigint): Quantity {
    return new Quantity(this.nanos * BigInt(factor), this.format);
  }
  withFormat(format: QuantityFormat): Quantity {
    return new Quantity(this.nanos, format);
  }

  /** ScaledValue(scale): the value in units of 10^scale, rounded up away from zero (Value() is scale 0, MilliValue() -3). */
  scaledValue(scale: number): bigint {
    const p = scale + 9;
    return p >= 0 ? scaleAwayFromZero(this.nanos, 10n ** BigInt(p)) : this.nanos * 10n ** BigInt(-p);
  }
  /** Value(): whole units, rounded up away from zero ("100m" -> 1). */
  value(): number {
    return Number(this.scaledValue(0));
  }
  /** MilliValue(): thousandths, rounded up away from zero ("1.5" -> 1500). */
  milliValue(): number {
    return Number(this.scaledValue(-3));
  }
  valueBig(): bigint {
    return this.scaledValue(0);
  }
  milliValueBig(): bigint {
    return this.scaledValue(-3);
  }
  asApproximateFloat64(): number {
    return Number(this.nanos) / 1e9;
  }

  /** The canonical string, exactly as Kubernetes serializes it. */
  toString(): string {
    if (this.cached !== undefined) return this.cached;
    return canonicalize(this.nanos, this.format);
  }
  toJSON(): string {
    return this.toString();
  }
}

/** Go keeps (and later prints) the input text for inputs its fast path already considers canonical. */
function echoesInput(str: string, num: string, denom: string, base: 2 | 10, exponent: number, format: QuantityFormat): boolean {
  const shifted = num + denom;
  if (base === 10) {
    if (18 - shifted.length < 0) return false;
    const scale = exponent - denom.length;
    if (scale < -9) return false;
    return scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
  }
  if (format !== 'BinarySI' || denom.length > 0 || exponent < 0) return false;
  const precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
  if (precision < 0) return false;
  const value = BigInt(shifted);
  if (value << BigInt(exponent) > MAX_INT64) return false;
  return exponent % 10 === 0 && (value & 7n) !== 0n;
}

function decimalParts(nanos: bigint): { mantissa: bigint; exponent: number } {
  let m = nanos;
  let e = -9;
  while (abs(m) >= 10n && m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  while (e % 3 !== 0) {
    m *= 10n;
    e--;
  }
  return { mantissa: m, exponent: e };
}

function canonicalize(nanos: bigint, format: QuantityFormat): string {
  if (nanos === 0n) return '0';
  let fmt = format;
  if (fmt === 'BinarySI') {
    if (nanos > -1024n * NANO && nanos < 1024n * NANO) fmt = 'DecimalSI';
    else if (nanos % NANO !== 0n) fmt = 'DecimalSI'; // printing in binary units would lose precision
    else {
      let m = nanos / NANO;
      let e = 0;
      while (abs(m) >= 1024n && m % 1024n === 0n) {
        m /= 1024n;
        e++;
      }
      const suffix = e === 0 ? '' : BIN_BY_EXP.get(e * 10);
      if (suffix !== undefined) return m.toString() + suffix;
      fmt = 'DecimalSI';
    }
  }
  const { mantissa, exponent } = decimalParts(nanos);
  if (fmt === 'DecimalSI') {
    const suffix = DEC_BY_EXP.get(exponent);
    if (suffix !== undefined) return mantissa.toString() + suffix;
    // No SI suffix beyond E: Kubernetes (since the fix for #141249) falls back to the exponent form.
  }
  return mantissa.toString() + (exponent === 0 ? '' : `e${exponent}`);
}

/** ParseQuantity as a function. */
export function parseQuantity(str: string): Quantity {
  return Quantity.parse(str);
}

/** MustParse: for constants in code and tests. */
export function mustParseQuantity(str: string): Quantity {
  try {
    return Quantity.parse(str);
  } catch (e) {
    throw new Error(`cannot parse '${str}': ${(e as Error).message}`);
  }
}

/**
 * A Quantity as it arrives in JSON: a string (whitespace trimmed, as UnmarshalJSON does) or a number.
 * Returns the QuantityError instead of throwing, for validation code that collects errors.
 */
export function quantityFromJSON(v: unknown): Quantity | QuantityError {
  try {
    if (typeof v === 'number') return Quantity.parse(String(v));
    if (typeof v === 'string') return Quantity.parse(v.trim());
  } catch (e) {
    if (e instanceof QuantityError) return e;
    throw e;
  }
  return new QuantityError(ERR_FORMAT_WRONG);
}

// ULP distances between float64 results and double-double ([hi, lo]) reference values.

/** A reference value: hi is the double nearest the exact value, lo the double nearest the rest. */
export interface Ref {
  readonly hi: number;
  readonly lo: number;
}

const view = new DataView(new ArrayBuffer(8));

function bitsOf(v: number): bigint {
  view.setFloat64(0, v);
  return view.getBigUint64(0);
}

function fromBits(b: bigint): number {
  view.setBigUint64(0, b);
  return view.getFloat64(0);
}

const EXPONENT_MASK = 0x7ffn;
const MANTISSA_MASK = (1n << 52n) - 1n;
/** 2^-1074: the spacing of the subnormals, used for zero and subnormal values. */
export const MIN_ULP = 5e-324;

/** The spacing of the doubles at |v| (2^-1074 for zero and subnormals); NaN for non-finite v. */
export function ulpOf(v: number): number {
  if (!Number.isFinite(v)) return Number.NaN;
  const e = Number((bitsOf(Math.abs(v)) >> 52n) & EXPONENT_MASK);
  if (e <= 1) return MIN_ULP;
  // 2^(e - 1075): a normal double for e >= 53, a subnormal with one mantissa bit below that.
  return e >= 53 ? fromBits(BigInt(e - 52) << 52n) : fromBits(1n << BigInt(e - 1));
}

/**
 * The ULP of the exact value hi + lo. It differs from ulpOf(hi) only when |hi| is a power of two
 * and lo pulls the exact value below it, into the binade whose spacing is half as large.
 */
export function refUlp(ref: Ref): number {
  const u = ulpOf(ref.hi);
  if (ref.lo === 0 || ref.hi === 0) return u;
  const bits = bitsOf(Math.abs(ref.hi));
  const powerOfTwo = (bits & MANTISSA_MASK) === 0n && ((bits >> 52n) & EXPONENT_MASK) > 1n;
  return powerOfTwo && Math.sign(ref.lo) !== Math.sign(ref.hi) ? u / 2 : u;
}

/**
 * |got - (hi + lo)| in ULPs of the reference, or of `scale` when that is larger (the rule for sums:
 * the error is measured against the spacing at the sum of the magnitudes of the terms).
 * Non-finite references must be matched exactly (NaN by NaN); anything else is Infinity.
 * The two zeros are equal.
 */
export function ulpError(got: number, ref: Ref, scale = 0): number {
  if (Number.isNaN(ref.hi)) return Number.isNaN(got) ? 0 : Number.POSITIVE_INFINITY;
  if (!Number.isFinite(ref.hi)) return got === ref.hi ? 0 : Number.POSITIVE_INFINITY;
  if (!Number.isFinite(got)) return Number.POSITIVE_INFINITY;
  // got - hi is exact when the two are within a factor of two (Sterbenz); otherwise the error is
  // so large that the rounding of the difference does not matter.
  const diff = Math.abs(got - ref.hi - ref.lo);
  const unit = Math.abs(scale) > Math.abs(ref.hi) ? ulpOf(Math.abs(scale)) : refUlp(ref);
  return diff / unit;
}

/** The JSON form of a reference number: a number, or "inf" / "-inf" / "nan". */
export type JsonNumber = number | 'inf' | '-inf' | 'nan';

export function parseNumber(v: JsonNumber): number {
  if (typeof v === 'number') return v;
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  if (v === 'nan') return Number.NaN;
  throw new Error(`not a reference number: ${JSON.stringify(v)}`);
}

export function parseRef(pair: readonly [JsonNumber, JsonNumber]): Ref {
  if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`not a [hi, lo] pair: ${JSON.stringify(pair)}`);
  return { hi: parseNumber(pair[0]), lo: parseNumber(pair[1]) };
}

/** A short, exact-enough rendering of a ULP error for messages and tables. */
export function formatUlp(u: number): string {
  if (!Number.isFinite(u)) return String(u);
  if (u === 0) return '0';
  if (u < 10) return u.toFixed(2);
  if (u < 1e6) return u.toFixed(0);
  return u.toExponential(2);
}

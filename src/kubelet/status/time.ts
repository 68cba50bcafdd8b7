// metav1.Time is RFC 3339 in whole seconds; CRI times are nanoseconds since the epoch as strings.
export { rfc3339 } from '../../machinery/time-format.js';

/** Milliseconds from a CRI nanosecond timestamp; 0 for unset. */
export function nsToMs(ns: string | number | undefined): number {
  if (ns === undefined || ns === '' || ns === '0' || ns === 0) return 0;
  return Number(BigInt(ns) / 1_000_000n);
}

// Resource quantities as pod rules need them (requests vs limits, QoS), on top of the shared
// resource.Quantity implementation in machinery.
import { Quantity, quantityFromJSON } from '../../../machinery/quantity.js';

/** The parsed quantity, or undefined when the value is not a valid quantity. */
export function parseQuantityValue(q: string | number | undefined): Quantity | undefined {
  if (q === undefined) return undefined;
  const r = quantityFromJSON(q);
  return r instanceof Quantity ? r : undefined;
}

/** How Kubernetes prints a quantity in messages (its canonical form). */
export function quantityString(q: string | number): string {
  return parseQuantityValue(q)?.toString() ?? String(q);
}

export { Quantity };

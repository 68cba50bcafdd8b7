// Kubernetes' two timestamp encodings: metav1.Time (seconds) and metav1.MicroTime (microseconds).
export { rfc3339 } from '../machinery/time-format.js';

export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

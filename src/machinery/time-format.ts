// metav1.Time on the wire: RFC 3339 in whole seconds (UTC, "Z"), as every object's timestamps are.
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

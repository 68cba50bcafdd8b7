// Go renders a bad value in a field error with fmt verbs (%q for strings, %v for numbers, %#v for
// slices and structs). Validation that reports non-string values uses these so messages read the
// same as Kubernetes' ("Invalid value: []string{\"a\"}: ...").

/** Go's %q for a string (close to JSON for printable text). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Go's %#v for a []string: `[]string{"a", "b"}`, `[]string{}`, `[]string(nil)`. */
export function goStringSlice(v: readonly string[] | undefined | null): string {
  if (v == null) return '[]string(nil)';
  return `[]string{${v.map(goQuote).join(', ')}}`;
}

/** metav1.Time as Go's time.Time.String() prints it in UTC: "2024-01-02 03:04:05 +0000 UTC". */
export function goTime(rfc3339: string | undefined | null): string {
  if (rfc3339 == null) return 'null';
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return goQuote(rfc3339);
  const iso = d.toISOString(); // 2024-01-02T03:04:05.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

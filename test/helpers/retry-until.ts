// Retries fn until it resolves (a probe that throws until the state it checks is reached), with a
// deadline that names what was awaited and the last failure.
export async function retryUntil<T>(what: string, fn: () => Promise<T>, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms: ${last instanceof Error ? last.message : String(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

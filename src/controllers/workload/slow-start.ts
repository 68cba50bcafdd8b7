// Kubernetes' slowStartBatch: call fn `count` times in batches of 1, 2, 4, ... all calls of a
// batch in parallel, stopping after the first batch with an error. A template the API server
// rejects then costs one failed request, not a thousand.
export interface SlowStartResult {
  successes: number;
  errors: unknown[];
}

export async function slowStartBatch(count: number, initialBatchSize: number, fn: (i: number) => Promise<void>): Promise<SlowStartResult> {
  let remaining = count;
  let successes = 0;
  let started = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn(started++)));
    const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
    successes += batch - errors.length;
    if (errors.length) return { successes, errors };
    remaining -= batch;
  }
  return { successes, errors: [] };
}

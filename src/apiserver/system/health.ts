// /healthz, /livez and /readyz as kube-apiserver answers them: "ok", or with ?verbose one line per
// check ("[+]ping ok"); a failing check makes the answer 500 and always lists the checks.
// Single checks are served at /readyz/<name>; ?exclude=<name> skips one.

export interface HealthCheck {
  name: string;
  /** true when healthy; a throw counts as unhealthy. */
  check(): boolean;
}

export interface HealthAnswer {
  code: number;
  body: string;
}

export function runChecks(endpoint: string, checks: HealthCheck[], url: URL): HealthAnswer | null {
  const exclude = new Set(url.searchParams.getAll('exclude'));
  const verbose = url.searchParams.has('verbose');
  const rest = url.pathname.slice(endpoint.length);
  if (rest && rest !== '/') {
    const one = checks.find((c) => `/${c.name}` === rest);
    if (!one) return null;
    return safe(one) ? { code: 200, body: 'ok' } : { code: 500, body: `internal server error: ${one.name} check failed` };
  }
  const lines: string[] = [];
  let failed = false;
  for (const c of checks) {
    if (exclude.has(c.name)) {
      lines.push(`[+]${c.name} excluded: ok`);
      continue;
    }
    if (safe(c)) lines.push(`[+]${c.name} ok`);
    else {
      failed = true;
      lines.push(`[-]${c.name} failed: reason withheld`);
    }
  }
  const name = endpoint.slice(1);
  if (failed) return { code: 500, body: `${lines.join('\n')}\n${name} check failed\n` };
  if (verbose) return { code: 200, body: `${lines.join('\n')}\n${name} check passed\n` };
  return { code: 200, body: 'ok' };
}

function safe(c: HealthCheck): boolean {
  try {
    return c.check() === true;
  } catch {
    return false;
  }
}

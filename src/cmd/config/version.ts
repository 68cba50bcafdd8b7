// This build's version, from the package.json beside dist/ (in a checkout and in /usr/lib/k8ts).
import { readFileSync } from 'node:fs';

export function k8tsVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

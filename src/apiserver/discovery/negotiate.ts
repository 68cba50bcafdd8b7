// Content negotiation for /api and /apis: aggregated discovery only for clients that offer it,
// in the version they offer (kubectl 1.27-1.29 offer only v2beta1, and a v2 answer there, or an
// aggregated body labelled plain application/json, gives silently empty discovery).
import type { AggregatedVersion } from './documents.js';

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [type, ...rest] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const k = p.slice(0, eq).trim().toLowerCase();
      const v = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (k === 'q') q = Number(v);
      else params[k] = v;
    }
    return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 1 };
  }).filter((m) => m.type && m.q > 0);
}

/** The aggregated discovery version the client asked for, or null for the legacy documents. */
export function negotiateAggregated(accept: string | undefined): AggregatedVersion | null {
  const offered = new Set<string>();
  for (const m of parseAccept(accept)) {
    if (m.type === 'application/json' && m.params.g === 'apidiscovery.k8s.io' && m.params.as === 'APIGroupDiscoveryList' && m.params.v) offered.add(m.params.v);
  }
  if (offered.has('v2')) return 'v2';
  if (offered.has('v2beta1')) return 'v2beta1';
  return null;
}

export function aggregatedContentType(version: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

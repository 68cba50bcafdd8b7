// Load generation over HTTP keep-alive: closed-loop clients, an open-loop paced schedule, and
// single requests timed to the last byte. Latency of a paced request counts from the moment it
// was due, not when it was sent, so a stalled server cannot hide its queue (coordinated omission).
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Reply {
  status: number;
  body: Buffer;
  /** Request start to last byte, ms. */
  ms: number;
}

export function request(agent: http.Agent, url: string, method: string, body?: unknown, timeoutMs = 30_000): Promise<Reply> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: { Accept: 'application/json', ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms: performance.now() - t0 }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Fails unless the reply has the wanted status (the figures are only worth anything if the requests succeeded). */
export function expectStatus(r: Reply, want: number, what: string): Reply {
  if (r.status !== want) throw new Error(`${what}: HTTP ${r.status}, wanted ${want}: ${r.body.toString().slice(0, 300)}`);
  return r;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface LatencyFigures {
  ops: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function summarise(latencies: number[], elapsedMs: number): LatencyFigures {
  const s = [...latencies].sort((a, b) => a - b);
  return { ops: s.length, opsPerSec: Math.round((s.length / elapsedMs) * 1000), p50Ms: percentile(s, 50), p99Ms: percentile(s, 99), maxMs: s.at(-1) ?? NaN };
}

/** `clients` loops each running op(i) back to back, until `maxOps` ops or `ms` have passed. */
export async function closedLoop(clients: number, ms: number, maxOps: number, op: (i: number) => Promise<void>): Promise<LatencyFigures> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end && next < maxOps) {
        const i = next++;
        const s = performance.now();
        await op(i);
        lat.push(performance.now() - s);
      }
    }),
  );
  return summarise(lat, performance.now() - t0);
}

/** Starts op(i) at t0 + i/rate for `count` ops regardless of how earlier ones fare. */
export async function paced(ratePerSec: number, count: number, op: (i: number) => Promise<void>): Promise<LatencyFigures> {
  const lat: number[] = [];
  const inflight: Promise<void>[] = [];
  const interval = 1000 / ratePerSec;
  const t0 = performance.now();
  let i = 0;
  while (i < count) {
    const now = performance.now();
    while (i < count && t0 + i * interval <= now) {
      const due = t0 + i * interval;
      inflight.push(op(i).then(() => { lat.push(performance.now() - due); }));
      i++;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + i * interval - performance.now())));
  }
  await Promise.all(inflight);
  return summarise(lat, performance.now() - t0);
}

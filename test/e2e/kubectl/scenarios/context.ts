// What every kubectl scenario module gets: the version under test, its cluster, a kubectl runner
// and small readers of kubectl's output.
import assert from 'node:assert/strict';
import { KUBECTL, type KubectlCluster, type KubectlRun } from '../cluster.js';

export type { KubectlRun };
export type Version = keyof typeof KUBECTL;

export interface Scenario {
  version: Version;
  /** The cluster of this test file (started before the first scenario). */
  readonly c: KubectlCluster;
  k(...args: string[]): Promise<KubectlRun>;
  /** Polls the API server's open-watch gauge for kind until pred holds. */
  untilWatchers(kind: string, pred: (n: number) => boolean, what: string, timeoutMs?: number): Promise<void>;
}

/** Fails with everything kubectl said when it did not exit 0. */
export function ok(r: KubectlRun): KubectlRun {
  assert.equal(r.code, 0, `kubectl exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/** The table's header and rows, split on kubectl's column padding. */
export function rows(stdout: string): string[][] {
  return stdout.split('\n').filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s{2,}/));
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** Output without colours (kubectl 1.27 colours cluster-info even when not on a terminal). */
export function plain(s: string): string {
  return s.replace(ANSI, '');
}

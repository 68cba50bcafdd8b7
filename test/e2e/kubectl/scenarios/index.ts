// The kubectl end-to-end scenarios, registered once per kubectl binary (one test file per
// version, so the runner can run them side by side). Each scenario checks what kubectl printed
// and then what the API server really holds. The modules run in this order on one cluster, and
// later ones build on objects earlier ones made (the `shop` namespace above all).
import { before, after } from 'node:test';
import { startKubectlCluster, KUBECTL, type KubectlCluster } from '../cluster.js';
import type { Scenario, Version } from './context.js';
import { applyScenarios } from './apply.js';
import { getScenarios } from './get.js';
import { changeScenarios } from './change.js';
import { discoveryScenarios } from './discovery.js';
import { errorScenarios } from './errors.js';

export function kubectlScenarios(version: Version): void {
  let cluster: KubectlCluster | undefined;
  const c = (): KubectlCluster => {
    if (!cluster) throw new Error('the cluster did not start');
    return cluster;
  };

  /** The API server's count of open watches on kind (its /metrics gauge). */
  async function watchers(kind: string): Promise<number> {
    const re = new RegExp(`^apiserver_registered_watchers\\{[^}]*kind="${kind}"[^}]*\\} ([0-9]+)$`, 'm');
    const m = re.exec((await c().api('GET', '/metrics')).text);
    return m ? Number(m[1]) : 0;
  }

  const s: Scenario = {
    version,
    get c() { return c(); },
    k: (...args) => c().kubectl(args),
    async untilWatchers(kind, pred, what, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      while (!pred(await watchers(kind))) {
        if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${kind} watchers: ${await watchers(kind)})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };

  before(async () => { cluster = await startKubectlCluster(KUBECTL[version]); });
  after(async () => { await cluster?.close(); });

  applyScenarios(s);
  getScenarios(s);
  changeScenarios(s);
  discoveryScenarios(s);
  errorScenarios(s);
}

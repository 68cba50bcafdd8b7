// FitError's message: "0/5 nodes are available: 3 Insufficient cpu, 2 node(s) had untolerated
// taint {key: value}." Each node's reasons are counted, rendered "<count> <reason>", sorted as
// strings (as Kubernetes sorts them) and joined; a PreFilter rejection replaces the histogram; the
// PostFilter's (preemption's) message follows.
import type { Status } from './status.js';

export const NO_NODE_AVAILABLE = (n: number) => `0/${n} nodes are available`;

export function reasonHistogram(statuses: Map<string, Status>): string[] {
  const counts = new Map<string, number>();
  for (const s of statuses.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort();
}

export function fitErrorMessage(numAllNodes: number, statuses: Map<string, Status>, preFilterMsg = '', postFilterMsg = ''): string {
  let msg = `${NO_NODE_AVAILABLE(numAllNodes)}:`;
  if (preFilterMsg) msg += ` ${preFilterMsg}.`;
  else {
    const h = reasonHistogram(statuses);
    if (h.length) msg += ` ${h.join(', ')}.`;
  }
  if (postFilterMsg) msg += ` ${postFilterMsg}.`;
  return msg;
}

export class FitError extends Error {
  postFilterMsg = '';
  constructor(readonly numAllNodes: number, readonly statuses: Map<string, Status>, readonly preFilterMsg = '', readonly unschedulablePlugins = new Set<string>()) {
    super();
  }
  override get message(): string {
    return fitErrorMessage(this.numAllNodes, this.statuses, this.preFilterMsg, this.postFilterMsg);
  }
  override set message(_v: string) { /* computed */ }
}

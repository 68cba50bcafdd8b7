// The CSR approving controller (Kubernetes' csrapproving): approves kubelet client certificate
// requests that a joining node (bootstrap token, group system:bootstrappers) or the node itself
// (renewal: the requester is the very system:node:<name>) made. Everything else waits for a human
// (`kubectl certificate approve`).
import { resourceRef } from '../../client/rest.js';
import type { CertificateSigningRequest } from '../../api/certificates/v1/csr.js';
import type { Controller, ControllerContext } from '../context.js';
import { newQueue, queueController } from '../base/queue-controller.js';
import { csrState, kubeletClientCsr, kubeletServingCsr } from './node-csr.js';

export const CSRS = resourceRef('certificates.k8s.io', 'v1', 'certificatesigningrequests', false);

/** Who may get a node client certificate without a human: bootstrappers for any node, a node for itself. */
export function autoApprovable(csr: CertificateSigningRequest): { ok: true; node: string; renewal: boolean } | { ok: false; reason: string } {
  // A node's kubelet serving certificate, asked for by that node itself (as k3s signs them; upstream
  // leaves these to an approver of the cluster's choosing).
  if (csr.spec?.signerName === 'kubernetes.io/kubelet-serving') {
    const s = kubeletServingCsr(csr);
    if ('reason' in s) return { ok: false, reason: s.reason };
    if (csr.spec.username !== `system:node:${s.node}`) return { ok: false, reason: `requester ${csr.spec.username} is not node ${s.node}` };
    return { ok: true, node: s.node, renewal: false };
  }
  const k = kubeletClientCsr(csr);
  if ('reason' in k) return { ok: false, reason: k.reason };
  const groups = csr.spec?.groups ?? [];
  if (csr.spec?.username === `system:node:${k.node}`) return { ok: true, node: k.node, renewal: true };
  if (groups.includes('system:bootstrappers')) return { ok: true, node: k.node, renewal: false };
  return { ok: false, reason: `requester ${csr.spec?.username} is neither a bootstrapper nor the node` };
}

export function createCsrApprovingController(ctx: ControllerContext): Controller {
  const name = 'csrapproving';
  const queue = newQueue(ctx, name);
  const csrs = ctx.informers.informerFor<CertificateSigningRequest>(CSRS);
  const enqueue = (c: CertificateSigningRequest) => queue.add(c.metadata.name!);
  csrs.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) });

  async function sync(key: string): Promise<void> {
    const csr = csrs.indexer.get(undefined, key);
    if (!csr || csrState(csr) !== 'Pending') return;
    const verdict = autoApprovable(csr);
    if (!verdict.ok) return;
    const now = new Date(ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const approved = {
      ...csr,
      status: {
        ...(csr.status ?? {}),
        conditions: [...(csr.status?.conditions ?? []), {
          type: 'Approved', status: 'True', reason: 'AutoApproved',
          message: verdict.renewal ? 'Auto approving self kubelet client certificate after SubjectAccessReview.' : 'Auto approving kubelet client certificate after SubjectAccessReview.',
          lastUpdateTime: now, lastTransitionTime: now,
        }],
      },
    };
    await ctx.client.request('PUT', `/apis/certificates.k8s.io/v1/certificatesigningrequests/${encodeURIComponent(key)}/approval`, { body: approved });
    ctx.log('approved node client certificate', { csr: key, node: verdict.node, requester: csr.spec?.username });
  }

  return queueController({ name, ctx, queue, informers: () => [csrs], sync });
}

// The CSR signing controller (Kubernetes' csrsigning): issues certificates from the cluster CA for
// approved requests to the kubernetes.io signers it serves, honouring spec.expirationSeconds
// (capped at one year) and spec.usages, and writes them to status.certificate.
import type { CertificateSigningRequest } from '../../api/certificates/v1/csr.js';
import { KUBE_APISERVER_CLIENT, KUBE_APISERVER_CLIENT_KUBELET, KUBELET_SERVING } from '../../api/certificates/v1/csr.js';
import { signCsr, LEAF_VALIDITY_MS } from '../../pki/certs.js';
import type { Controller, ControllerContext } from '../context.js';
import { newQueue, queueController } from '../base/queue-controller.js';
import { CSRS } from './approver.js';
import { csrState, kubeletClientCsr, requestPem } from './node-csr.js';

const SIGNERS = new Set([KUBE_APISERVER_CLIENT_KUBELET, KUBE_APISERVER_CLIENT, KUBELET_SERVING]);

export function createCsrSigningController(ctx: ControllerContext): Controller {
  const name = 'csrsigning';
  const queue = newQueue(ctx, name);
  const ca = ctx.options.clusterSigning as { cert: string; key: string } | undefined;
  const csrs = ctx.informers.informerFor<CertificateSigningRequest>(CSRS);
  const enqueue = (c: CertificateSigningRequest) => queue.add(c.metadata.name!);
  csrs.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) });

  async function sync(key: string): Promise<void> {
    const csr = csrs.indexer.get(undefined, key);
    if (!ca || !csr || csrState(csr) !== 'Approved' || !SIGNERS.has(csr.spec?.signerName ?? '')) return;
    const now = ctx.clock.now();
    let certificate: string;
    try {
      if (csr.spec.signerName === KUBE_APISERVER_CLIENT_KUBELET && 'reason' in kubeletClientCsr(csr)) throw new Error(`not a kubelet client certificate request: ${(kubeletClientCsr(csr) as { reason: string }).reason}`);
      const validityMs = Math.min(LEAF_VALIDITY_MS, (csr.spec.expirationSeconds ?? Infinity) * 1000);
      certificate = await signCsr(ca, requestPem(csr), { usages: csr.spec.usages ?? [], now, validityMs });
    } catch (err) {
      // A request that can never be signed is marked Failed instead of retried forever.
      const t = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const failed = { ...csr, status: { ...(csr.status ?? {}), conditions: [...(csr.status?.conditions ?? []), { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: String((err as Error).message ?? err), lastUpdateTime: t, lastTransitionTime: t }] } };
      await ctx.client.request('PUT', `/apis/certificates.k8s.io/v1/certificatesigningrequests/${encodeURIComponent(key)}/status`, { body: failed });
      return;
    }
    const issued = { ...csr, status: { ...(csr.status ?? {}), certificate: Buffer.from(certificate).toString('base64') } };
    await ctx.client.request('PUT', `/apis/certificates.k8s.io/v1/certificatesigningrequests/${encodeURIComponent(key)}/status`, { body: issued });
    ctx.log('issued certificate', { csr: key, signer: csr.spec.signerName });
  }

  return queueController({ name, ctx, queue, informers: () => [csrs], sync });
}

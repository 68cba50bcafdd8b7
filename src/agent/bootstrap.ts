// TLS bootstrap of a joining node (Kubernetes' kubelet --bootstrap-kubeconfig flow): with the join
// token (a bootstrap token) the agent asks for a client certificate for system:node:<name> through
// a CertificateSigningRequest; the controller manager approves and signs it; from then on every
// component of the node talks to the API server with that certificate. The key never leaves the
// node; the certificate is kept (0600) and reused while valid.
import { X509Certificate, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RestClient } from '../client/rest.js';
import { resourceRef } from '../client/rest.js';
import { createCsr } from '../pki/certs.js';
import { KUBE_APISERVER_CLIENT_KUBELET, KUBELET_SERVING } from '../api/certificates/v1/csr.js';

const CSRS = resourceRef('certificates.k8s.io', 'v1', 'certificatesigningrequests', false);

export interface NodeCredentials {
  cert: string;
  key: string;
}

/** The stored credentials when they are for this node and valid for at least another hour. */
export function storedCredentials(dir: string, nodeName: string, now = Date.now()): NodeCredentials | null {
  const certPath = join(dir, 'kubelet-client.crt');
  const keyPath = join(dir, 'kubelet-client.key');
  if (!existsSync(certPath) || !existsSync(keyPath)) return null;
  const cert = readFileSync(certPath, 'utf8');
  try {
    const c = new X509Certificate(cert);
    if (!c.subject.split('\n').includes(`CN=system:node:${nodeName}`)) return null;
    if (Date.parse(c.validTo) - now < 3600_000) return null;
  } catch {
    return null;
  }
  return { cert, key: readFileSync(keyPath, 'utf8') };
}

export async function requestNodeCredentials(o: {
  client: RestClient; nodeName: string; dir: string; timeoutMs?: number; log?: (m: string, f?: Record<string, unknown>) => void;
  /** A kubelet serving certificate for these names instead of the client certificate. */
  serving?: { dnsNames: string[]; ips: string[] };
}): Promise<NodeCredentials> {
  const { csr, key } = await createCsr({ cn: `system:node:${o.nodeName}`, orgs: ['system:nodes'], ...(o.serving ?? {}) });
  const name = `${o.serving ? 'node-serving' : 'node-csr'}-${randomBytes(6).toString('hex')}`;
  await o.client.create(CSRS, {
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name },
    spec: {
      request: Buffer.from(csr).toString('base64'), signerName: o.serving ? KUBELET_SERVING : KUBE_APISERVER_CLIENT_KUBELET,
      usages: o.serving ? ['digital signature', 'server auth'] : ['digital signature', 'client auth'],
    },
  } as never);
  o.log?.('certificate requested', { csr: name });
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  for (;;) {
    const got = await o.client.get<{ status?: { certificate?: string; conditions?: { type: string; status?: string; message?: string }[] } }>(CSRS, name);
    const bad = got.status?.conditions?.find((c) => (c.type === 'Denied' || c.type === 'Failed') && c.status !== 'False');
    if (bad) throw new Error(`certificate request ${name} was ${bad.type.toLowerCase()}: ${bad.message ?? ''}`);
    if (got.status?.certificate) {
      const cert = Buffer.from(got.status.certificate, 'base64').toString('utf8');
      mkdirSync(o.dir, { recursive: true });
      const base = o.serving ? 'kubelet-serving' : 'kubelet-client';
      writeFileSync(join(o.dir, `${base}.key`), key, { mode: 0o600 });
      writeFileSync(join(o.dir, `${base}.crt`), cert, { mode: 0o600 });
      return { cert, key };
    }
    if (Date.now() > deadline) throw new Error(`certificate request ${name} was not approved and signed within ${(o.timeoutMs ?? 60_000) / 1000} s: is the controller manager running with the cluster CA?`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

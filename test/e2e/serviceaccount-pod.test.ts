// A ServiceAccount's token end to end on `k8ts server`: the ServiceAccount admission plugin mounts
// kube-api-access into a pod, the kubelet fills it through TokenRequest (token, the root CA
// ConfigMap the publisher wrote, the namespace), and the process inside the pod uses the token
// against the API server's HTTPS Service: RBAC lets it list pods in its namespace (a RoleBinding)
// and nowhere else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from './server-process.js';

let sp: ServerProcess;

/** The API server's URL from the admin kubeconfig. */
function apiURL(): string {
  const kc = parseYaml(readFileSync(sp.kubeconfig, 'utf8')) as { clusters: { cluster: { server: string } }[] };
  return kc.clusters[0]!.cluster.server;
}
const NS = 'sa-e2e';
const DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

// kubectl (the static 1.33 binary, mounted from the host) inside the pod, with nothing but the
// mounted token and CA: it verifies the API server against kube-root-ca.crt. The pod uses the
// host's network and the API server's loopback address, because `k8ts server` binds 127.0.0.1 by
// default and the kubernetes Service's endpoint (the node IP) does not reach that.
const KUBECTL_133 = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const SCRIPT = [
  `T=$(cat ${DIR}/token); N=$(cat ${DIR}/namespace)`,
  `grep -q 'BEGIN CERTIFICATE' ${DIR}/ca.crt && echo CA-OK`,
  `k() { /kubectl "$@" --server "$API" --token "$T" --certificate-authority ${DIR}/ca.crt; }`,
  'for i in $(seq 1 30); do k get pods -n "$N" -o name >/tmp/own 2>/tmp/err && break; sleep 1; done',
  'cat /tmp/own /tmp/err; echo OWN-NS-DONE',
  'k get pods -n kube-system 2>&1 | tail -1',
  'echo END',
  'sleep 3600',
].join('\n');

before(async () => {
  sp = await startServerProcess({ name: 'satoken', podCIDR: '10.250.21.0/24' });
});
after(async () => { await sp?.close(); });

test('a ServiceAccount with a RoleBinding lists pods in its namespace from inside a real pod with its mounted token', async () => {
  await sp.kubectl('create', 'namespace', NS);
  await sp.until('the default ServiceAccount and kube-root-ca.crt', 30_000, async () =>
    (await sp.kubectlRun('/usr/bin/kubectl', 'get', 'serviceaccount/default', 'configmap/kube-root-ca.crt', '-n', NS)).code === 0);
  await sp.kubectl('create', 'serviceaccount', 'reader', '-n', NS);
  await sp.kubectl('create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods', '-n', NS);
  await sp.kubectl('create', 'rolebinding', 'reader-reads', '--role=pod-reader', `--serviceaccount=${NS}:reader`, '-n', NS);
  const file = join(sp.dir, 'pod.json');
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', namespace: NS },
    spec: {
      serviceAccountName: 'reader', terminationGracePeriodSeconds: 1, hostNetwork: true,
      volumes: [{ name: 'kubectl', hostPath: { path: KUBECTL_133, type: 'File' } }],
      containers: [{
        name: 'main', image: 'k8ts.local/busybox:1', imagePullPolicy: 'Never', command: ['sh', '-c', SCRIPT],
        env: [{ name: 'API', value: apiURL() }, { name: 'HOME', value: '/tmp' }],
        volumeMounts: [{ name: 'kubectl', mountPath: '/kubectl', readOnly: true }],
      }],
    },
  }));
  await sp.kubectl('apply', '-f', file);
  const pod = JSON.parse(await sp.kubectl('get', 'pod', 'probe', '-n', NS, '-o', 'json'));
  const vol = pod.spec.volumes.find((v: { name: string }) => v.name.startsWith('kube-api-access-'));
  assert.ok(vol, 'admission added the token volume');
  assert.deepEqual(pod.spec.containers[0].volumeMounts[1], { name: vol.name, readOnly: true, mountPath: DIR });
  const logs = await sp.until('the pod\'s API calls', 90_000, async () => {
    const r = await sp.kubectlRun('/usr/bin/kubectl', 'logs', 'probe', '-n', NS);
    return r.code === 0 && /^END$/m.test(r.stdout) ? r.stdout : null;
  });
  assert.match(logs, /CA-OK/);
  assert.match(logs, /^pod\/probe$/m, logs);
  assert.match(logs, /OWN-NS-DONE/);
  assert.match(logs, new RegExp(`pods is forbidden: User "system:serviceaccount:${NS}:reader" cannot list resource "pods" in API group "" in the namespace "kube-system"`), logs);
  // The token is the pod's: bound to it, for the ServiceAccount.
  const who = await sp.kubectl('exec', 'probe', '-n', NS, '--', 'cat', `${DIR}/token`);
  const claims = JSON.parse(Buffer.from(who.split('.')[1]!, 'base64url').toString());
  assert.equal(claims.sub, `system:serviceaccount:${NS}:reader`);
  assert.equal(claims['kubernetes.io'].pod.name, 'probe');
  assert.equal(claims['kubernetes.io'].pod.uid, pod.metadata.uid);
});

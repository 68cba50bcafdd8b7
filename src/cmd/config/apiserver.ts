import type { ComponentConfig } from './types.js';

export const apiserver: ComponentConfig = {
  name: 'apiserver',
  summary: 'the API server over the embedded store or etcd',
  description: 'Serves the Kubernetes REST API (plain HTTP) over the store and writes admin.kubeconfig into --data-dir for kubectl and the other components.',
  settings: [
    { flag: 'store', type: 'string', default: 'sqlite:<data-dir>/store.db', arg: 'SPEC', help: 'where cluster state lives: sqlite:/path/store.db (embedded) or etcd:http://127.0.0.1:2379,... (comma-separated members)' },
    { flag: 'bind-address', type: 'ip', default: '127.0.0.1', arg: 'ADDR', help: 'address the API server listens on (0.0.0.0: every interface)' },
    { flag: 'port', type: 'port', default: '6443', help: 'port the API server listens on (plain HTTP)' },
    { flag: 'tls-cert-file', type: 'path', default: '', arg: 'FILE', help: 'serve HTTPS with this certificate (with --tls-private-key-file); plain HTTP without' },
    { flag: 'tls-private-key-file', type: 'path', default: '', arg: 'FILE', help: 'the private key of --tls-cert-file' },
    { flag: 'client-ca-file', type: 'path', default: '', arg: 'FILE', help: 'authenticate client certificates signed by these CAs (CN = user, O = groups)' },
    { flag: 'token-auth-file', type: 'path', default: '', arg: 'FILE', help: 'static bearer tokens: CSV lines token,user,uid,"group1,group2"' },
    { flag: 'enable-bootstrap-token-auth', type: 'bool', default: 'false', help: 'accept bootstrap tokens (kube-system Secrets bootstrap-token-<id>)' },
    { flag: 'authorization-mode', type: 'list', default: 'AlwaysAllow', arg: 'MODES', help: 'AlwaysAllow, or a list of Node, RBAC' },
    { flag: 'anonymous-auth', type: 'bool', default: 'true', help: 'requests without credentials are system:anonymous (off with AlwaysAllow)' },
    { flag: 'data-dir', type: 'path', default: '/var/lib/k8ts/server', arg: 'DIR', help: 'state directory: the embedded store and admin.kubeconfig' },
  ],
};

// Settings every component takes, handled by the config loader itself (the component's own parser
// never sees them): where the config files are, and log verbosity.
import type { Setting } from './types.js';

export const DEFAULT_CONFIG_DIR = '/etc/k8ts';
/** The shared file every component reads before its own (/etc/k8ts/config, as the seed's /etc/kubernetes/config). */
export const SHARED_FILE = 'config';

export const COMMON: Setting[] = [
  { flag: 'v', type: 'int', default: '0', arg: 'N', help: 'log verbosity: 0 logs what an operator needs; 2 adds per-object events; 4 and up adds debugging detail (as Kubernetes --v)' },
  { flag: 'config-dir', type: 'path', default: DEFAULT_CONFIG_DIR, arg: 'DIR', cliOnly: true, help: `read "${SHARED_FILE}" and then this command's own file from DIR (environment: K8TS_CONFIG_DIR); missing files are fine, missing DIR given explicitly is an error` },
];

/**
 * Keys allowed in the shared file: settings several components read. Each component takes the
 * ones it declares and ignores the rest, so e.g. KUBECONFIG="..." there serves every client.
 */
export const SHARED_KEYS = ['v', 'kubeconfig', 'node-name', 'node-ip', 'cluster-cidr', 'service-cidr', 'cluster-dns', 'cluster-domain'];

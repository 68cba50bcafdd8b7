// Every component's settings, by sub-command name: the one source for the config loader, --help,
// docs/reference and the default files in /etc/k8ts.
import { agent } from './agent.js';
import { apiserver } from './apiserver.js';
import { controllerManager } from './controller-manager.js';
import { dns } from './dns.js';
import { hollowNodes } from './hollow-nodes.js';
import { kubelet } from './kubelet.js';
import { proxy } from './proxy.js';
import { scheduler } from './scheduler.js';
import { server } from './server.js';
import type { ComponentConfig } from './types.js';

export const COMPONENTS: Record<string, ComponentConfig> = Object.fromEntries(
  [server, agent, apiserver, controllerManager, scheduler, kubelet, proxy, dns, hollowNodes].map((c) => [c.name, c]),
);

/** Components that run as system services (a unit and a file in /etc/k8ts each). */
export const SERVICES = ['server', 'agent', 'apiserver', 'controller-manager', 'scheduler', 'kubelet', 'proxy', 'dns'];

export { COMMON, SHARED_KEYS, SHARED_FILE, DEFAULT_CONFIG_DIR } from './common.js';
export type { ComponentConfig, Setting } from './types.js';
export { fileKey } from './types.js';
export { ConfigError } from './env-file.js';

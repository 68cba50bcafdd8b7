import type { ComponentConfig } from './types.js';

export const scheduler: ComponentConfig = {
  name: 'scheduler',
  summary: 'places pods on nodes through the binding API',
  description: 'Watches unscheduled pods and binds each to a node that fits, through the API server.',
  settings: [
    { flag: 'kubeconfig', type: 'path', default: '/var/lib/k8ts/server/admin.kubeconfig', help: 'API server address and credentials (default $KUBECONFIG when set)' },
    { flag: 'config', type: 'path', default: '', help: 'a KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) YAML file: profiles and plugins' },
    { flag: 'leader-elect', type: 'bool', default: 'false', help: 'schedule only while holding the Lease kube-system/kube-scheduler' },
    { flag: 'metrics-port', type: 'port', default: '10259', help: 'port serving /metrics and /healthz over plain HTTP (0: off)' },
    { flag: 'bind-address', type: 'ip', default: '127.0.0.1', arg: 'ADDR', help: 'address of the metrics port' },
  ],
};

// core/v1 Service: the type and its ResourceDef, with the columns `kubectl get services` prints.
// Defaults and strategy live in service-strategy.ts, validation in service-validation.ts.
// Allocation itself (ClusterIPs, NodePorts, health-check port) is the apiserver hook's job.
import { type Static, K8S_EXT, opt, req, str, bool, int32, intOrString, stringMap, mergeList, atomicList, object } from '../../schema.js';
import type { KubeObject, ResourceDef } from '../../resource.js';
import { use, Condition } from '../../meta/v1/types.js';
import { CORE, kindObject } from './common.js';
import { formatLabels } from './field-util.js';
import { defaultService, prepareServiceForCreate, prepareServiceForUpdate } from './service-strategy.js';
import { validateService, validateServiceUpdate } from './service-validation.js';
import { age } from '../../printers/age.js';

export const ServicePort = object(`${CORE}.ServicePort`, {
  name: opt(1, str()),
  protocol: opt(2, str()),
  appProtocol: opt(6, str()),
  port: req(3, int32()),
  targetPort: opt(4, intOrString()),
  nodePort: opt(5, int32()),
}, "ServicePort contains information on service's port.");
export type ServicePort = Static<typeof ServicePort>;

export const ClientIPConfig = object(`${CORE}.ClientIPConfig`, {
  timeoutSeconds: opt(1, int32()),
}, 'ClientIPConfig represents the configurations of Client IP based session affinity.');

export const SessionAffinityConfig = object(`${CORE}.SessionAffinityConfig`, {
  clientIP: opt(1, use(ClientIPConfig)),
}, 'SessionAffinityConfig represents the configurations of session affinity.');
export type SessionAffinityConfig = Static<typeof SessionAffinityConfig>;

export const PortStatus = object(`${CORE}.PortStatus`, {
  port: req(1, int32()),
  protocol: req(2, str()),
  error: opt(3, str()),
}, 'PortStatus represents the error condition of a service port');

export const LoadBalancerIngress = object(`${CORE}.LoadBalancerIngress`, {
  ip: opt(1, str()),
  hostname: opt(2, str()),
  ipMode: opt(3, str()),
  ports: opt(4, atomicList(use(PortStatus))),
}, 'LoadBalancerIngress represents the status of a load-balancer ingress point: traffic intended for the service should be sent to an ingress point.');
export type LoadBalancerIngress = Static<typeof LoadBalancerIngress>;

export const LoadBalancerStatus = object(`${CORE}.LoadBalancerStatus`, {
  ingress: opt(1, atomicList(use(LoadBalancerIngress))),
}, 'LoadBalancerStatus represents the status of a load-balancer.');
export type LoadBalancerStatus = Static<typeof LoadBalancerStatus>;

export const ServiceSpec = object(`${CORE}.ServiceSpec`, {
  ports: opt(1, mergeList(use(ServicePort), 'port', {}, ['port', 'protocol'])),
  selector: opt(2, stringMap({ [K8S_EXT.mapType]: 'atomic' })),
  clusterIP: opt(3, str()),
  clusterIPs: opt(18, atomicList(str())),
  type: opt(4, str()),
  externalIPs: opt(5, atomicList(str())),
  sessionAffinity: opt(7, str()),
  loadBalancerIP: opt(8, str()),
  loadBalancerSourceRanges: opt(9, atomicList(str())),
  externalName: opt(10, str()),
  externalTrafficPolicy: opt(11, str()),
  healthCheckNodePort: opt(12, int32()),
  publishNotReadyAddresses: opt(13, bool()),
  sessionAffinityConfig: opt(14, use(SessionAffinityConfig)),
  ipFamilies: opt(19, atomicList(str())),
  ipFamilyPolicy: opt(17, str()),
  allocateLoadBalancerNodePorts: opt(20, bool()),
  loadBalancerClass: opt(21, str()),
  internalTrafficPolicy: opt(22, str()),
  trafficDistribution: opt(23, str()),
}, 'ServiceSpec describes the attributes that a user creates on a service.');
export type ServiceSpec = Static<typeof ServiceSpec>;

export const ServiceStatus = object(`${CORE}.ServiceStatus`, {
  loadBalancer: opt(1, use(LoadBalancerStatus)),
  conditions: opt(2, mergeList(use(Condition), 'type')),
}, 'ServiceStatus represents the current status of a service.');
export type ServiceStatus = Static<typeof ServiceStatus>;

export const ServiceSchema = kindObject(`${CORE}.Service`, { group: '', version: 'v1', kind: 'Service' }, {
  spec: opt(2, use(ServiceSpec)),
  status: opt(3, use(ServiceStatus)),
}, 'Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.');
export type Service = Static<typeof ServiceSchema> & KubeObject;


export * from './service-strategy.js';
export * from './service-validation.js';

// --- table (printService) ---

function loadBalancerStatusString(st: LoadBalancerStatus | undefined, wide: boolean): string {
  const out: string[] = [];
  for (const ing of st?.ingress ?? []) {
    if (ing.ip) out.push(ing.ip);
    else if (ing.hostname) out.push(ing.hostname);
  }
  let r = out.join(',');
  if (!wide && r.length > 16) r = r.slice(0, 13) + '...';
  return r;
}

/** The EXTERNAL-IP cell. */
export function serviceExternalIP(s: Service, wide = false): string {
  const sp = s.spec ?? {};
  switch (sp.type) {
    case 'ClusterIP':
    case 'NodePort':
      return sp.externalIPs?.length ? sp.externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerStatusString((s.status as ServiceStatus | undefined)?.loadBalancer, wide);
      if (sp.externalIPs?.length) return [...(lb ? lb.split(',') : []), ...sp.externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return sp.externalName ?? '';
  }
  return '<unknown>';
}

/** The PORT(S) cell: "80/TCP", "80:30080/TCP". */
export function servicePortString(ports: ServicePort[] | undefined): string {
  return (ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`)).join(',');
}

export const services: ResourceDef<Service> = {
  group: '',
  version: 'v1',
  kind: 'Service',
  listKind: 'ServiceList',
  plural: 'services',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  schema: ServiceSchema,
  subresources: { status: true },
  defaults: defaultService,
  validate: validateService,
  validateUpdate: validateServiceUpdate,
  prepareForCreate: prepareServiceForCreate,
  prepareForUpdate: prepareServiceForUpdate,
  table: {
    columns: [
      { name: 'Type', type: 'string', priority: 0, description: 'type determines how the Service is exposed.' },
      { name: 'Cluster-IP', type: 'string', priority: 0, description: 'clusterIP is the IP address of the service and is usually assigned randomly.' },
      { name: 'External-IP', type: 'string', priority: 0, description: 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.' },
      { name: 'Port(s)', type: 'string', priority: 0, description: 'The list of ports that are exposed by this service.' },
      { name: 'Age', type: 'string', priority: 0, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
      { name: 'Selector', type: 'string', priority: 1, description: 'Route service traffic to pods with label keys and values matching this selector.' },
    ],
    cells(s, now) {
      const sp = s.spec ?? {};
      return [
        sp.type ?? '',
        sp.clusterIP || '<none>',
        serviceExternalIP(s, true),
        servicePortString(sp.ports) || '<none>',
        age(s.metadata.creationTimestamp, now),
        formatLabels(sp.selector),
      ];
    },
  },
  fieldSelectors: {
    'spec.clusterIP': (s) => s.spec?.clusterIP ?? '',
    'spec.type': (s) => s.spec?.type ?? '',
  },
  description: 'Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.',
};

// core/v1 Endpoints: the legacy per-service address list the endpoints controller maintains.
import { type Static, opt, req, str, int32, atomicList, object } from '../../schema.js';
import { Type } from '../../schema.js';
import type { KubeObject, ResourceDef } from '../../resource.js';
import { use } from '../../meta/v1/types.js';
import { K8S_EXT } from '../../schema.js';
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';
import { isValidPortNum, isDNS1123Subdomain } from '../../../machinery/validation/names.js';
import { CORE, kindObject, ObjectReference } from './common.js';
import { validateIP, validateNonSpecialIP } from './net.js';
import { validateDNS1123Label, validateQualifiedName } from './field-util.js';
import { age } from '../../printers/age.js';

export const EndpointAddress = Type.Object({
  ip: req(1, str()),
  hostname: opt(3, str()),
  nodeName: opt(4, str()),
  targetRef: opt(2, use(ObjectReference)),
}, { $id: `${CORE}.EndpointAddress`, additionalProperties: false, [K8S_EXT.mapType]: 'atomic', description: 'EndpointAddress is a tuple that describes single IP address.' });
export type EndpointAddress = Static<typeof EndpointAddress>;

export const EndpointPort = Type.Object({
  name: opt(1, str()),
  port: req(2, int32()),
  protocol: opt(3, str()),
  appProtocol: opt(4, str()),
}, { $id: `${CORE}.EndpointPort`, additionalProperties: false, [K8S_EXT.mapType]: 'atomic', description: 'EndpointPort is a tuple that describes a single port.' });
export type EndpointPort = Static<typeof EndpointPort>;

export const EndpointSubset = object(`${CORE}.EndpointSubset`, {
  addresses: opt(1, atomicList(use(EndpointAddress))),
  notReadyAddresses: opt(2, atomicList(use(EndpointAddress))),
  ports: opt(3, atomicList(use(EndpointPort))),
}, 'EndpointSubset is a group of addresses with a common set of ports. The expanded set of endpoints is the Cartesian product of Addresses x Ports.');
export type EndpointSubset = Static<typeof EndpointSubset>;

export const EndpointsSchema = kindObject(`${CORE}.Endpoints`, { group: '', version: 'v1', kind: 'Endpoints' }, {
  subsets: opt(2, atomicList(use(EndpointSubset))),
}, 'Endpoints is a collection of endpoints that implement the actual service.');
export type Endpoints = Static<typeof EndpointsSchema> & KubeObject;

const PROTOCOLS_SORTED = ['SCTP', 'TCP', 'UDP'];

/** SetDefaults_Endpoints: ports default to TCP. */
export function defaultEndpoints(ep: Endpoints): void {
  for (const ss of ep.subsets ?? []) for (const p of ss.ports ?? []) if (!p.protocol) p.protocol = 'TCP';
}

function validateAddress(a: EndpointAddress, path: string): FieldError[] {
  const errs = validateIP(`${path}.ip`, a.ip);
  if (a.hostname) errs.push(...validateDNS1123Label(a.hostname, `${path}.hostname`));
  if (a.nodeName !== undefined) for (const msg of isDNS1123Subdomain(a.nodeName)) errs.push(fieldErrors.invalid(`${path}.nodeName`, a.nodeName, msg));
  errs.push(...validateNonSpecialIP(a.ip, `${path}.ip`));
  return errs;
}

function validatePort(p: EndpointPort, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p.name) errs.push(fieldErrors.required(`${path}.name`));
  else if (p.name) errs.push(...validateDNS1123Label(p.name, `${path}.name`));
  for (const msg of isValidPortNum(p.port)) errs.push(fieldErrors.invalid(`${path}.port`, p.port, msg));
  if (!p.protocol) errs.push(fieldErrors.required(`${path}.protocol`));
  else if (!PROTOCOLS_SORTED.includes(p.protocol)) errs.push(fieldErrors.notSupported(`${path}.protocol`, p.protocol, PROTOCOLS_SORTED));
  if (p.appProtocol !== undefined) errs.push(...validateQualifiedName(p.appProtocol, `${path}.appProtocol`));
  return errs;
}

/** validateEndpointSubsets. */
export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs: FieldError[] = [];
  (ep.subsets ?? []).forEach((ss, i) => {
    const path = `subsets[${i}]`;
    if (!ss.addresses?.length && !ss.notReadyAddresses?.length) errs.push(fieldErrors.required(path, 'must specify `addresses` or `notReadyAddresses`'));
    (ss.addresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, `${path}.addresses[${j}]`)));
    (ss.notReadyAddresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, `${path}.notReadyAddresses[${j}]`)));
    const ports = ss.ports ?? [];
    ports.forEach((p, j) => errs.push(...validatePort(p, ports.length > 1, `${path}.ports[${j}]`)));
  });
  return errs;
}

/** formatEndpoints: up to three "ip:port" entries, then "+ N more...". */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  const hostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    if (!ss.ports?.length) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) { more = true; break; }
        list.push(a.ip);
      }
      continue;
    }
    for (const p of ss.ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) { more = true; break; }
        list.push(hostPort(a.ip, p.port));
      }
    }
  }
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret || '<none>';
}

export const endpoints: ResourceDef<Endpoints> = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  listKind: 'EndpointsList',
  plural: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  schema: EndpointsSchema,
  defaults: defaultEndpoints,
  validate: validateEndpoints,
  table: {
    columns: [
      { name: 'Endpoints', type: 'string', priority: 0, description: 'Endpoints is the list of endpoints.' },
      { name: 'Age', type: 'string', priority: 0, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (ep, now) => [formatEndpoints(ep), age(ep.metadata.creationTimestamp, now)],
  },
  description: 'Endpoints is a collection of endpoints that implement the actual service.',
};

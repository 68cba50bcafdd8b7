// discovery.k8s.io/v1 EndpointSlice: a service's endpoints in slices of at most 1000, with
// per-endpoint readiness conditions and topology (k8s.io/api/discovery/v1).
import { Type, type Static, K8S_EXT, opt, req, str, bool, int32, stringMap, atomicList, setList, object } from '../../schema.js';
import type { KubeObject, ResourceDef } from '../../resource.js';
import { use } from '../../meta/v1/types.js';
import { kindObject, ObjectReference } from '../../core/v1/common.js';
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';
import { isDNS1123Subdomain, isDNS1123Label, isValidLabelValue } from '../../../machinery/validation/names.js';
import { validateLabels } from '../../../machinery/labels/validation.js';
import { validateNonSpecialIP, isIPv4String, isIPv6String } from '../../core/v1/net.js';
import { validateDNS1123Label, validateQualifiedName, validateImmutable } from '../../core/v1/field-util.js';
import { age } from '../../printers/age.js';

const DISCOVERY = 'io.k8s.api.discovery.v1';

export const EndpointConditions = object(`${DISCOVERY}.EndpointConditions`, {
  ready: opt(1, bool()),
  serving: opt(2, bool()),
  terminating: opt(3, bool()),
}, 'EndpointConditions represents the current condition of an endpoint.');

export const ForZone = object(`${DISCOVERY}.ForZone`, {
  name: req(1, str()),
}, 'ForZone provides information about which zones should consume this endpoint.');

export const EndpointHints = object(`${DISCOVERY}.EndpointHints`, {
  forZones: opt(1, atomicList(use(ForZone))),
}, 'EndpointHints provides hints describing how an endpoint should be consumed.');

export const Endpoint = object(`${DISCOVERY}.Endpoint`, {
  addresses: req(1, setList(str())),
  conditions: opt(2, use(EndpointConditions)),
  hostname: opt(3, str()),
  targetRef: opt(4, use(ObjectReference)),
  deprecatedTopology: opt(5, stringMap()),
  nodeName: opt(6, str()),
  zone: opt(7, str()),
  hints: opt(8, use(EndpointHints)),
}, 'Endpoint represents a single logical "backend" implementing a service.');
export type Endpoint = Static<typeof Endpoint>;

export const EndpointPort = Type.Object({
  name: opt(1, str()),
  protocol: opt(2, str()),
  port: opt(3, int32()),
  appProtocol: opt(4, str()),
}, { $id: `${DISCOVERY}.EndpointPort`, additionalProperties: false, [K8S_EXT.mapType]: 'atomic', description: 'EndpointPort represents a Port used by an EndpointSlice' });
export type EndpointPort = Static<typeof EndpointPort>;

export const EndpointSliceSchema = kindObject(`${DISCOVERY}.EndpointSlice`, { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' }, {
  addressType: req(4, str()),
  endpoints: req(2, atomicList(use(Endpoint))),
  ports: opt(3, atomicList(use(EndpointPort))),
}, 'EndpointSlice represents a subset of the endpoints that implement a service.');
export type EndpointSlice = Static<typeof EndpointSliceSchema> & KubeObject;

const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const MAX_ENDPOINTS = 1000;
const MAX_TOPOLOGY_LABELS = 16;
const MAX_ZONE_HINTS = 8;
const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS_SORTED = ['SCTP', 'TCP', 'UDP'];
const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** SetDefaults_EndpointPort: name "" and protocol TCP. */
export function defaultEndpointSlice(es: EndpointSlice): void {
  for (const p of es.ports ?? []) {
    if (p.name === undefined) p.name = '';
    if (p.protocol === undefined) p.protocol = 'TCP';
  }
}

/** IsFullyQualifiedDomainName. */
function validateFQDN(path: string, name: string): FieldError[] {
  const n = name.replace(/\.$/, '');
  if (!n) return [fieldErrors.required(path)];
  const errs = isDNS1123Subdomain(n).map((m) => fieldErrors.invalid(path, name, m));
  if (errs.length) return errs;
  if (n.split('.').length < 2) return [fieldErrors.invalid(path, name, 'should be a domain with at least two segments separated by dots')];
  for (const label of n.split('.')) {
    for (const msg of isDNS1123Label(label)) errs.push(fieldErrors.invalid(path, label, msg));
  }
  return errs;
}

function validateEndpointsList(list: Endpoint[], addressType: string): FieldError[] {
  const errs: FieldError[] = [];
  if (list.length > MAX_ENDPOINTS) return [fieldErrors.tooMany('endpoints', list.length, MAX_ENDPOINTS)];
  list.forEach((ep, i) => {
    const p = `endpoints[${i}]`;
    const addrs = ep.addresses ?? [];
    if (addrs.length === 0) errs.push(fieldErrors.required(`${p}.addresses`, 'must contain at least 1 address'));
    else if (addrs.length > MAX_ADDRESSES) errs.push(fieldErrors.tooMany(`${p}.addresses`, addrs.length, MAX_ADDRESSES));
    addrs.forEach((a, j) => {
      const ap = `${p}.addresses[${j}]`;
      if (addressType === 'IPv4') {
        if (!isIPv4String(a)) errs.push(fieldErrors.invalid(ap, a, 'must be a valid IPv4 address'));
        else errs.push(...validateNonSpecialIP(a, ap));
      } else if (addressType === 'IPv6') {
        if (!isIPv6String(a)) errs.push(fieldErrors.invalid(ap, a, 'must be a valid IPv6 address'));
        else errs.push(...validateNonSpecialIP(a, ap));
      } else if (addressType === 'FQDN') {
        errs.push(...validateFQDN(ap, a));
      }
    });
    if (ep.nodeName !== undefined) for (const msg of isDNS1123Subdomain(ep.nodeName)) errs.push(fieldErrors.invalid(`${p}.nodeName`, ep.nodeName, msg));
    const topo = ep.deprecatedTopology ?? {};
    if (Object.keys(topo).length > MAX_TOPOLOGY_LABELS) errs.push(fieldErrors.tooMany(`${p}.deprecatedTopology`, Object.keys(topo).length, MAX_TOPOLOGY_LABELS));
    errs.push(...validateLabels(topo, `${p}.deprecatedTopology`));
    if (ZONE_LABEL in topo) errs.push({ type: 'InternalError', field: `${p}.deprecatedTopology[${ZONE_LABEL}]`, message: 'Internal error: reserved key was not removed in conversion' });
    if (ep.hostname !== undefined) errs.push(...validateDNS1123Label(ep.hostname, `${p}.hostname`));
    const zones = ep.hints?.forZones;
    if (zones) {
      if (zones.length > MAX_ZONE_HINTS) errs.push(fieldErrors.tooMany(`${p}.hints.forZones`, zones.length, MAX_ZONE_HINTS));
      const seen = new Set<string>();
      zones.forEach((z, k) => {
        const zp = `${p}.hints.forZones[${k}].name`;
        if (seen.has(z.name)) errs.push(fieldErrors.duplicate(zp, z.name));
        else seen.add(z.name);
        for (const msg of isValidLabelValue(z.name)) errs.push(fieldErrors.invalid(zp, z.name, msg));
      });
    }
  });
  return errs;
}

function validatePorts(ports: EndpointPort[]): FieldError[] {
  if (ports.length > MAX_PORTS) return [fieldErrors.tooMany('ports', ports.length, MAX_PORTS)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `ports[${i}]`;
    const name = port.name ?? '';
    if (name) errs.push(...validateDNS1123Label(name, `${p}.name`));
    if (names.has(name)) errs.push(fieldErrors.duplicate(`${p}.name`, name));
    else names.add(name);
    if (port.protocol === undefined) errs.push(fieldErrors.required(`${p}.protocol`));
    else if (!PROTOCOLS_SORTED.includes(port.protocol)) errs.push(fieldErrors.notSupported(`${p}.protocol`, port.protocol, PROTOCOLS_SORTED));
    if (port.appProtocol !== undefined) errs.push(...validateQualifiedName(port.appProtocol, `${p}.appProtocol`));
  });
  return errs;
}

/** ValidateEndpointSlice (the parts beyond metadata). */
export function validateEndpointSlice(es: EndpointSlice): FieldError[] {
  const errs: FieldError[] = [];
  const at = es.addressType ?? '';
  if (!at) errs.push(fieldErrors.required('addressType'));
  else if (!ADDRESS_TYPES.includes(at)) errs.push(fieldErrors.notSupported('addressType', at, ADDRESS_TYPES));
  errs.push(...validateEndpointsList(es.endpoints ?? [], at));
  errs.push(...validatePorts(es.ports ?? []));
  return errs;
}

export function validateEndpointSliceUpdate(es: EndpointSlice, old: EndpointSlice): FieldError[] {
  return [...validateEndpointSlice(es), ...validateImmutable(es.addressType, old.addressType, 'addressType')];
}

function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret || '<unset>';
}

/** formatDiscoveryPorts. */
export function formatSlicePorts(ports: EndpointPort[] | undefined): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const p of ports ?? []) {
    if (list.length < max) list.push(p.port !== undefined ? String(p.port) : p.name !== undefined ? p.name : '*');
    else if (list.length === max) more = true;
    count++;
  }
  return listWithMore(list, more, count, max);
}

/** formatDiscoveryEndpoints. */
export function formatSliceEndpoints(eps: Endpoint[] | undefined): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ep of eps ?? []) {
    for (const a of ep.addresses ?? []) {
      if (list.length < max) list.push(a);
      else if (list.length === max) more = true;
      count++;
    }
  }
  return listWithMore(list, more, count, max);
}

export const endpointslices: ResourceDef<EndpointSlice> = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  listKind: 'EndpointSliceList',
  plural: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  schema: EndpointSliceSchema,
  defaults: defaultEndpointSlice,
  validate: validateEndpointSlice,
  validateUpdate: validateEndpointSliceUpdate,
  table: {
    columns: [
      { name: 'AddressType', type: 'string', priority: 0, description: 'addressType specifies the type of address carried by this EndpointSlice.' },
      { name: 'Ports', type: 'string', priority: 0, description: 'ports specifies the list of network ports exposed by each endpoint in this slice.' },
      { name: 'Endpoints', type: 'string', priority: 0, description: 'endpoints is a list of unique endpoints in this slice.' },
      { name: 'Age', type: 'string', priority: 0, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (es, now) => [es.addressType ?? '', formatSlicePorts(es.ports), formatSliceEndpoints(es.endpoints), age(es.metadata.creationTimestamp, now)],
  },
  description: 'EndpointSlice represents a subset of the endpoints that implement a service.',
};

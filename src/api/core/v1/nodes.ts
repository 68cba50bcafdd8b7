// core/v1 Node: cluster-scoped; the kubelet registers it and reports status, controllers and
// users set taints and unschedulable. STATUS in `kubectl get nodes` comes from the Ready condition.
import { type Static, opt, req, str, bool, int32, int64, time, quantityMap, mergeList, atomicList, setList, object } from '../../schema.js';
import type { KubeObject, ResourceDef } from '../../resource.js';
import { use } from '../../meta/v1/types.js';
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';
import { isValidLabelValue } from '../../../machinery/validation/names.js';
import { validateLabelName } from '../../../machinery/labels/validation.js';
import { CORE, kindObject, Taint, TAINT_EFFECTS } from './common.js';
import { validateCIDR, isDualStack, cidrFamily } from './net.js';
import { invalidRendered, duplicateRendered, goStringSlice } from './field-util.js';
import { age } from '../../printers/age.js';

export const ConfigMapNodeConfigSource = object(`${CORE}.ConfigMapNodeConfigSource`, {
  namespace: req(1, str()),
  name: req(2, str()),
  uid: opt(3, str()),
  resourceVersion: opt(4, str()),
  kubeletConfigKey: req(5, str()),
}, 'ConfigMapNodeConfigSource contains the information to reference a ConfigMap as a config source for the Node.');

export const NodeConfigSource = object(`${CORE}.NodeConfigSource`, {
  configMap: opt(2, use(ConfigMapNodeConfigSource)),
}, 'NodeConfigSource specifies a source of node configuration. Exactly one subfield (excluding metadata) must be non-nil.');

export const NodeSpec = object(`${CORE}.NodeSpec`, {
  podCIDR: opt(1, str()),
  podCIDRs: opt(7, setList(str())),
  providerID: opt(3, str()),
  unschedulable: opt(4, bool()),
  taints: opt(5, atomicList(use(Taint))),
  configSource: opt(6, use(NodeConfigSource)),
  externalID: opt(2, str()),
}, 'NodeSpec describes the attributes that a node is created with.');
export type NodeSpec = Static<typeof NodeSpec>;

export const NodeCondition = object(`${CORE}.NodeCondition`, {
  type: req(1, str()),
  status: req(2, str()),
  lastHeartbeatTime: opt(3, time()),
  lastTransitionTime: opt(4, time()),
  reason: opt(5, str()),
  message: opt(6, str()),
}, 'NodeCondition contains condition information for a node.');
export type NodeCondition = Static<typeof NodeCondition>;

export const NodeAddress = object(`${CORE}.NodeAddress`, {
  type: req(1, str()),
  address: req(2, str()),
}, "NodeAddress contains information for the node's address.");
export type NodeAddress = Static<typeof NodeAddress>;

export const DaemonEndpoint = object(`${CORE}.DaemonEndpoint`, {
  Port: req(1, int32()),
}, 'DaemonEndpoint contains information about a single Daemon endpoint.');

export const NodeDaemonEndpoints = object(`${CORE}.NodeDaemonEndpoints`, {
  kubeletEndpoint: opt(1, use(DaemonEndpoint)),
}, 'NodeDaemonEndpoints lists ports opened by daemons running on the Node.');

export const NodeSwapStatus = object(`${CORE}.NodeSwapStatus`, {
  capacity: opt(1, int64()),
}, 'NodeSwapStatus represents swap memory information.');

export const NodeSystemInfo = object(`${CORE}.NodeSystemInfo`, {
  machineID: req(1, str()),
  systemUUID: req(2, str()),
  bootID: req(3, str()),
  kernelVersion: req(4, str()),
  osImage: req(5, str()),
  containerRuntimeVersion: req(6, str()),
  kubeletVersion: req(7, str()),
  kubeProxyVersion: req(8, str()),
  operatingSystem: req(9, str()),
  architecture: req(10, str()),
  swap: opt(11, use(NodeSwapStatus)),
}, 'NodeSystemInfo is a set of ids/uuids to uniquely identify the node.');
export type NodeSystemInfo = Static<typeof NodeSystemInfo>;

export const ContainerImage = object(`${CORE}.ContainerImage`, {
  names: opt(1, atomicList(str())),
  sizeBytes: opt(2, int64()),
}, 'Describe a container image');

export const AttachedVolume = object(`${CORE}.AttachedVolume`, {
  name: req(1, str()),
  devicePath: req(2, str()),
}, 'AttachedVolume describes a volume attached to a node');

export const NodeConfigStatus = object(`${CORE}.NodeConfigStatus`, {
  assigned: opt(1, use(NodeConfigSource)),
  active: opt(2, use(NodeConfigSource)),
  lastKnownGood: opt(3, use(NodeConfigSource)),
  error: opt(4, str()),
}, 'NodeConfigStatus describes the status of the config assigned by Node.Spec.ConfigSource.');

export const NodeRuntimeHandlerFeatures = object(`${CORE}.NodeRuntimeHandlerFeatures`, {
  recursiveReadOnlyMounts: opt(1, bool()),
  userNamespaces: opt(2, bool()),
}, 'NodeRuntimeHandlerFeatures is a set of features implemented by the runtime handler.');

export const NodeRuntimeHandler = object(`${CORE}.NodeRuntimeHandler`, {
  name: opt(1, str()),
  features: opt(2, use(NodeRuntimeHandlerFeatures)),
}, 'NodeRuntimeHandler is a set of runtime handler information.');

export const NodeFeatures = object(`${CORE}.NodeFeatures`, {
  supplementalGroupsPolicy: opt(1, bool()),
}, 'NodeFeatures describes the set of features implemented by the CRI implementation.');

export const NodeStatus = object(`${CORE}.NodeStatus`, {
  capacity: opt(1, quantityMap({ 'x-pb-map': 'quantity' })),
  allocatable: opt(2, quantityMap({ 'x-pb-map': 'quantity' })),
  phase: opt(3, str()),
  conditions: opt(4, mergeList(use(NodeCondition), 'type')),
  addresses: opt(5, mergeList(use(NodeAddress), 'type')),
  daemonEndpoints: opt(6, use(NodeDaemonEndpoints)),
  nodeInfo: opt(7, use(NodeSystemInfo)),
  images: opt(8, atomicList(use(ContainerImage))),
  volumesInUse: opt(9, atomicList(str())),
  volumesAttached: opt(10, atomicList(use(AttachedVolume))),
  config: opt(11, use(NodeConfigStatus)),
  runtimeHandlers: opt(12, atomicList(use(NodeRuntimeHandler))),
  features: opt(13, use(NodeFeatures)),
}, 'NodeStatus is information about the current status of a node.');
export type NodeStatus = Static<typeof NodeStatus>;

export const NodeSchema = kindObject(`${CORE}.Node`, { group: '', version: 'v1', kind: 'Node' }, {
  spec: opt(2, use(NodeSpec)),
  status: opt(3, use(NodeStatus)),
}, 'Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).');
export type Node = Static<typeof NodeSchema> & KubeObject;

function status(n: Node): NodeStatus | undefined {
  return n.status as NodeStatus | undefined;
}

/** SetDefaults_NodeStatus: allocatable defaults to capacity. */
export function defaultNode(n: Node): void {
  const st = status(n);
  if (st && st.allocatable === undefined && st.capacity !== undefined) st.allocatable = { ...st.capacity };
}

/** The dynamic kubelet config feature is gone: its fields are dropped on every write. */
export function prepareNodeForCreate(n: Node): void {
  if (n.spec) delete n.spec.configSource;
  if (status(n)) delete status(n)!.config;
}

export function prepareNodeForUpdate(n: Node, old: Node): void {
  n.status = old.status;
  if (n.spec && !old.spec?.configSource) delete n.spec.configSource;
}

function taintStruct(t: { key?: string; value?: string; effect?: string }): string {
  return `core.Taint{Key:${JSON.stringify(t.key ?? '')}, Value:${JSON.stringify(t.value ?? '')}, Effect:${JSON.stringify(t.effect ?? '')}, TimeAdded:<nil>}`;
}

/** validateNodeTaints (Kubernetes reports these under metadata.taints, a long-standing quirk kept here). */
export function validateNodeTaints(taints: NodeSpec['taints'], path = 'metadata.taints'): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Map<string, Set<string>>();
  (taints ?? []).forEach((t, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateLabelName(t.key ?? '', `${p}.key`));
    const vErrs = isValidLabelValue(t.value ?? '');
    if (vErrs.length) errs.push(fieldErrors.invalid(`${p}.value`, t.value ?? '', vErrs.join(';')));
    if (!t.effect) errs.push(fieldErrors.required(`${p}.effect`));
    else if (!(TAINT_EFFECTS as readonly string[]).includes(t.effect)) errs.push(fieldErrors.notSupported(`${p}.effect`, t.effect, [...TAINT_EFFECTS]));
    const keys = seen.get(t.effect ?? '') ?? new Set<string>();
    if (keys.has(t.key ?? '')) {
      errs.push(duplicateRendered(p, taintStruct(t), 'taints must be unique by key and effect pair'));
      return;
    }
    keys.add(t.key ?? '');
    seen.set(t.effect ?? '', keys);
  });
  return errs;
}

function validatePodCIDRs(cidrs: string[]): FieldError[] {
  const errs: FieldError[] = [];
  cidrs.forEach((c, i) => errs.push(...validateCIDR(`spec.podCIDRs[${i}]`, c)));
  if (cidrs.length > 1) {
    if (!isDualStack(cidrs, cidrFamily) || cidrs.length > 2) {
      errs.push(invalidRendered('spec.podCIDRs', goStringSlice(cidrs), 'may specify no more than one CIDR for each IP family'));
    }
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(fieldErrors.duplicate(`spec.podCIDRs[${i}]`, c));
      seen.add(c);
    });
  }
  return errs;
}

/** ValidateNode: spec only; status fields are optional and checked when set. */
export function validateNode(n: Node): FieldError[] {
  const errs: FieldError[] = [];
  if (n.spec?.taints?.length) errs.push(...validateNodeTaints(n.spec.taints));
  if (n.spec?.podCIDRs?.length) errs.push(...validatePodCIDRs(n.spec.podCIDRs));
  return errs;
}

export function validateNodeUpdate(n: Node, old: Node): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (status(n)?.addresses ?? []).forEach((a, i) => {
    const key = `${a.type}\u0000${a.address}`;
    if (seen.has(key)) errs.push(duplicateRendered(`status.addresses[${i}]`, `core.NodeAddress{Type:${JSON.stringify(a.type)}, Address:${JSON.stringify(a.address)}}`));
    seen.add(key);
  });
  const oldCIDRs = old.spec?.podCIDRs ?? [];
  const newCIDRs = n.spec?.podCIDRs ?? [];
  if (oldCIDRs.length > 0) {
    const msg = 'node updates may not change podCIDR except from "" to valid';
    if (oldCIDRs.length !== newCIDRs.length) errs.push(fieldErrors.forbidden('spec.podCIDRs', msg));
    else oldCIDRs.forEach((c, i) => { if (c !== newCIDRs[i]) errs.push(fieldErrors.forbidden('spec.podCIDRs', msg)); });
  }
  if (old.spec?.providerID && old.spec.providerID !== n.spec?.providerID) {
    errs.push(fieldErrors.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  if (n.spec?.taints?.length) errs.push(...validateNodeTaints(n.spec.taints));
  if ((n.spec?.externalID ?? '') !== (old.spec?.externalID ?? '')) errs.push(fieldErrors.forbidden('spec.externalID', 'may not be updated'));
  // podCIDRs set for the first time (by the node IPAM controller) must still be well-formed.
  if (oldCIDRs.length === 0 && newCIDRs.length) errs.push(...validatePodCIDRs(newCIDRs));
  return errs;
}

// --- table (printNode) ---

const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

/** findNodeRoles: node-role.kubernetes.io/<role> keys and the kubernetes.io/role value, sorted. */
export function nodeRoles(n: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(n.metadata.labels ?? {})) {
    if (k.startsWith(ROLE_LABEL_PREFIX)) {
      const role = k.slice(ROLE_LABEL_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === ROLE_LABEL && v) {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

/** The STATUS cell: Ready / NotReady / Unknown, plus ",SchedulingDisabled". */
export function nodeStatusString(n: Node): string {
  const out: string[] = [];
  const ready = status(n)?.conditions?.find((c) => c.type === 'Ready');
  if (ready) out.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (out.length === 0) out.push('Unknown');
  if (n.spec?.unschedulable) out.push('SchedulingDisabled');
  return out.join(',');
}

function firstAddress(n: Node, type: string): string {
  return status(n)?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
}

export const nodes: ResourceDef<Node> = {
  group: '',
  version: 'v1',
  kind: 'Node',
  listKind: 'NodeList',
  plural: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  schema: NodeSchema,
  subresources: { status: true },
  defaults: defaultNode,
  validate: validateNode,
  validateUpdate: validateNodeUpdate,
  prepareForCreate: prepareNodeForCreate,
  prepareForUpdate: prepareNodeForUpdate,
  table: {
    columns: [
      { name: 'Status', type: 'string', priority: 0, description: 'The status of the node' },
      { name: 'Roles', type: 'string', priority: 0, description: 'The roles of the node' },
      { name: 'Age', type: 'string', priority: 0, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
      { name: 'Version', type: 'string', priority: 0, description: 'Kubelet Version reported by the node.' },
      { name: 'Internal-IP', type: 'string', priority: 1, description: 'List of addresses reachable to the node.' },
      { name: 'External-IP', type: 'string', priority: 1, description: 'List of addresses reachable to the node.' },
      { name: 'OS-Image', type: 'string', priority: 1, description: 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).' },
      { name: 'Kernel-Version', type: 'string', priority: 1, description: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)." },
      { name: 'Container-Runtime', type: 'string', priority: 1, description: 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).' },
    ],
    cells(n, now) {
      const info = status(n)?.nodeInfo;
      return [
        nodeStatusString(n),
        nodeRoles(n).join(',') || '<none>',
        age(n.metadata.creationTimestamp, now),
        info?.kubeletVersion ?? '',
        firstAddress(n, 'InternalIP'),
        firstAddress(n, 'ExternalIP'),
        info?.osImage || '<unknown>',
        info?.kernelVersion || '<unknown>',
        info?.containerRuntimeVersion || '<unknown>',
      ];
    },
  },
  fieldSelectors: {
    'spec.unschedulable': (n) => String(n.spec?.unschedulable ?? false),
  },
  description: 'Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).',
};

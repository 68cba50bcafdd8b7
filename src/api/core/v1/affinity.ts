// Scheduling constraints a pod declares: node selectors and affinity, pod (anti-)affinity,
// tolerations and topology spread. NodeSelector is also what PersistentVolume node affinity uses.
import { type Static, opt, str, int32, atomicList, object } from '../../schema.js';
import { use, LabelSelector } from '../../meta/v1/types.js';
import { NodeSelector, NodeSelectorTerm, Toleration } from './common.js';

export { NodeSelector, NodeSelectorTerm, NodeSelectorRequirement, Toleration } from './common.js';

const CORE = 'io.k8s.api.core.v1';

export const PreferredSchedulingTerm = object(`${CORE}.PreferredSchedulingTerm`, {
  weight: opt(1, int32()),
  preference: opt(2, use(NodeSelectorTerm)),
}, 'An empty preferred scheduling term matches all objects with implicit weight 0.');
export const NodeAffinity = object(`${CORE}.NodeAffinity`, {
  requiredDuringSchedulingIgnoredDuringExecution: opt(1, use(NodeSelector)),
  preferredDuringSchedulingIgnoredDuringExecution: opt(2, atomicList(use(PreferredSchedulingTerm))),
}, 'Node affinity is a group of node affinity scheduling rules.');

export const PodAffinityTerm = object(`${CORE}.PodAffinityTerm`, {
  labelSelector: opt(1, use(LabelSelector)),
  namespaces: opt(2, atomicList(str())),
  topologyKey: opt(3, str()),
  namespaceSelector: opt(4, use(LabelSelector)),
  matchLabelKeys: opt(5, atomicList(str())),
  mismatchLabelKeys: opt(6, atomicList(str())),
}, 'Defines a set of pods that this pod should be co-located (affinity) or not co-located (anti-affinity) with.');
export type PodAffinityTerm = Static<typeof PodAffinityTerm>;
export const WeightedPodAffinityTerm = object(`${CORE}.WeightedPodAffinityTerm`, {
  weight: opt(1, int32()),
  podAffinityTerm: opt(2, use(PodAffinityTerm)),
}, 'The weights of all of the matched WeightedPodAffinityTerm fields are added per-node to find the most preferred node(s)');
export const PodAffinity = object(`${CORE}.PodAffinity`, {
  requiredDuringSchedulingIgnoredDuringExecution: opt(1, atomicList(use(PodAffinityTerm))),
  preferredDuringSchedulingIgnoredDuringExecution: opt(2, atomicList(use(WeightedPodAffinityTerm))),
}, 'Pod affinity is a group of inter pod affinity scheduling rules.');
export const PodAntiAffinity = object(`${CORE}.PodAntiAffinity`, {
  requiredDuringSchedulingIgnoredDuringExecution: opt(1, atomicList(use(PodAffinityTerm))),
  preferredDuringSchedulingIgnoredDuringExecution: opt(2, atomicList(use(WeightedPodAffinityTerm))),
}, 'Pod anti affinity is a group of inter pod anti affinity scheduling rules.');
export const Affinity = object(`${CORE}.Affinity`, {
  nodeAffinity: opt(1, use(NodeAffinity)),
  podAffinity: opt(2, use(PodAffinity)),
  podAntiAffinity: opt(3, use(PodAntiAffinity)),
}, 'Affinity is a group of affinity scheduling rules.');
export type Affinity = Static<typeof Affinity>;

export const TopologySpreadConstraint = object(`${CORE}.TopologySpreadConstraint`, {
  maxSkew: opt(1, int32()),
  topologyKey: opt(2, str()),
  whenUnsatisfiable: opt(3, str()),
  labelSelector: opt(4, use(LabelSelector)),
  minDomains: opt(5, int32()),
  nodeAffinityPolicy: opt(6, str()),
  nodeTaintsPolicy: opt(7, str()),
  matchLabelKeys: opt(8, atomicList(str())),
}, 'TopologySpreadConstraint specifies how to spread matching pods among the given topology.');
export type TopologySpreadConstraint = Static<typeof TopologySpreadConstraint>;

// Admission for pods at create: what Kubernetes' Priority and DefaultTolerationSeconds admission
// plugins do. Priority resolves spec.priorityClassName (or the global default class) to the integer
// the scheduler sorts and preempts by; default tolerations let pods ride out a node's short absence
// for 300 s before the node lifecycle controller evicts them.
import type { KubeObject } from '../../api/resource.js';
import type { ResourceHooks } from '../hooks.js';
import { ApiError } from '../../machinery/errors.js';

interface Toleration { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number }
interface PodSpecPart { priorityClassName?: string; priority?: number; preemptionPolicy?: string; tolerations?: Toleration[] }
interface ClassPart { metadata: { name?: string }; value?: number; globalDefault?: boolean; preemptionPolicy?: string }

export const DEFAULT_TOLERATION_SECONDS = 300;
export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

function forbidden(pod: KubeObject, why: string): ApiError {
  const name = pod.metadata.name ?? '';
  return new ApiError(403, 'Forbidden', `pods "${name}" is forbidden: ${why}`, { name, kind: 'pods' });
}

/** Resolves the pod's priority from its class (or the global default); refuses an unknown class or a contradicting value. */
export function admitPriority(pod: KubeObject, classes: ClassPart[]): void {
  const spec = (pod.spec ?? {}) as PodSpecPart;
  let name = spec.priorityClassName ?? '';
  let value = 0;
  let policy: string | undefined = 'PreemptLowerPriority';
  if (name) {
    const pc = classes.find((c) => c.metadata.name === name);
    if (!pc) throw forbidden(pod, `no PriorityClass with name ${name} was found`);
    value = pc.value ?? 0;
    policy = pc.preemptionPolicy ?? policy;
  } else {
    // Of several global defaults, Kubernetes takes the lowest value.
    const defaults = classes.filter((c) => c.globalDefault).sort((a, b) => (a.value ?? 0) - (b.value ?? 0));
    if (defaults[0]) {
      name = defaults[0].metadata.name ?? '';
      value = defaults[0].value ?? 0;
      policy = defaults[0].preemptionPolicy ?? policy;
    }
  }
  if (spec.priority !== undefined && spec.priority !== value) {
    throw forbidden(pod, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
  }
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== policy) {
    throw forbidden(pod, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
  }
  if (name) spec.priorityClassName = name;
  spec.priority = value;
  spec.preemptionPolicy = policy;
  pod.spec = spec;
}

/** Adds NoExecute tolerations for not-ready and unreachable nodes unless the pod already tolerates them. */
export function admitDefaultTolerations(pod: KubeObject, seconds = DEFAULT_TOLERATION_SECONDS): void {
  const spec = (pod.spec ?? {}) as PodSpecPart;
  const tolerations = spec.tolerations ?? [];
  const tolerates = (key: string) => tolerations.some((t) =>
    (t.effect === 'NoExecute' || !t.effect) && (t.key === key || (!t.key && t.operator === 'Exists')));
  const add: Toleration[] = [];
  for (const key of [NOT_READY_TAINT, UNREACHABLE_TAINT]) {
    if (!tolerates(key)) add.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  }
  if (add.length) {
    spec.tolerations = [...tolerations, ...add];
    pod.spec = spec;
  }
}

/** The pods hook: both admissions at create; classes come from the server's PriorityClass cache. */
export function createPodAdmissionHooks(priorityClasses: () => ClassPart[]): ResourceHooks {
  return {
    beforeCreate(pod) {
      admitPriority(pod, priorityClasses());
      admitDefaultTolerations(pod);
    },
  };
}

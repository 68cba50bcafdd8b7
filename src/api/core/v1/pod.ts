// core/v1 Pod: the schema, and the rules the API server applies (defaults, validation, the pod
// strategy's create/update hooks, table columns, field selectors). The pieces live beside this
// file: pod-spec.ts, pod-status.ts, container.ts, volume.ts, probe.ts, affinity.ts...
import type { Static } from '@sinclair/typebox';
import { opt } from '../../schema.js';
import { use } from '../../meta/v1/types.js';
import type { KubeObject, ObjectMetaLike, ResourceDef } from '../../resource.js';
import { fieldErrors as fe, type FieldError } from '../../../machinery/field-errors.js';
import { CORE, kindObject } from './common.js';
import { PodSpec } from './pod-spec.js';
import { PodStatus, type PodCondition } from './pod-status.js';
import { defaultPodSpec, defaultPodOnly } from './pod-defaults.js';
import { validatePodSpec } from './pod-validation.js';
import { validatePodSpecUpdate } from './pod-update.js';
import { podQOSClass } from './pod-qos.js';
import { podTable } from './pod-table.js';

export const PodSchema = kindObject(`${CORE}.Pod`, { group: '', version: 'v1', kind: 'Pod' }, {
  spec: opt(2, use(PodSpec)),
  status: opt(3, use(PodStatus)),
}, 'Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.');

export type Pod = Omit<Static<typeof PodSchema>, 'metadata'> & KubeObject & { metadata: ObjectMetaLike };

/** SetDefaults for a Pod: the PodSpec defaults plus the pod-only ones. */
export function defaultPod(pod: Pod): void {
  pod.spec ??= {};
  defaultPodOnly(pod.spec);
  defaultPodSpec(pod.spec);
}

export function validatePod(pod: Pod): FieldError[] {
  const errs = validatePodSpec(pod.spec, 'spec');
  // Ephemeral containers only arrive through the pods/ephemeralcontainers subresource.
  if ((pod.spec?.ephemeralContainers ?? []).length > 0) errs.push(fe.forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  return errs;
}

/** A negative grace period (accepted for compatibility) is stored as 1, the shortest real one. */
function clampGracePeriod(pod: Pod): void {
  if (pod.spec?.terminationGracePeriodSeconds !== undefined && pod.spec.terminationGracePeriodSeconds < 0) pod.spec.terminationGracePeriodSeconds = 1;
}

export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  return [...validatePodSpec(pod.spec, 'spec'), ...validatePodSpecUpdate(pod.spec, old.spec, 'spec')];
}

/** The pod strategy's PrepareForCreate: status starts over as Pending with its QoS class. */
export function preparePodForCreate(pod: Pod): void {
  clampGracePeriod(pod);
  const status: Pod['status'] = { phase: 'Pending', qosClass: podQOSClass(pod.spec) };
  if ((pod.spec?.schedulingGates ?? []).length > 0) {
    const gated: PodCondition = { type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' };
    status.conditions = [gated];
  }
  pod.status = status;
}

/** PrepareForUpdate: writes to the pod itself never change its status (that is pods/status). */
export function preparePodForUpdate(pod: Pod, old: Pod): void {
  clampGracePeriod(pod);
  if (old.status === undefined) delete pod.status;
  else pod.status = structuredClone(old.status);
}

export const podDef: ResourceDef<Pod> = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  listKind: 'PodList',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  schema: PodSchema,
  subresources: { status: true, binding: true },
  defaults: defaultPod,
  validate: validatePod,
  validateUpdate: validatePodUpdate,
  prepareForCreate: preparePodForCreate,
  prepareForUpdate: preparePodForUpdate,
  table: podTable,
  fieldSelectors: {
    'spec.nodeName': (p) => p.spec?.nodeName ?? '',
    'spec.restartPolicy': (p) => p.spec?.restartPolicy ?? '',
    'spec.schedulerName': (p) => p.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (p) => p.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': (p) => String(p.spec?.hostNetwork ?? false),
    'status.phase': (p) => p.status?.phase ?? '',
    'status.podIP': (p) => p.status?.podIPs?.[0]?.ip ?? p.status?.podIP ?? '',
    'status.nominatedNodeName': (p) => p.status?.nominatedNodeName ?? '',
  },
  description: 'Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.',
};

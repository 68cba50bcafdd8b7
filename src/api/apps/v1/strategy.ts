// Pieces every apps/v1 ResourceDef shares: status kept out of main writes, the scale selector,
// and the wide CONTAINERS/IMAGES/SELECTOR cells.
import { labelSelectorAsSelector, selectorToString, formatLabelSelector } from '../../../machinery/labels/selector.js';
import type { LabelSelector } from '../../meta/v1/types.js';
import type { KubeObject } from '../../resource.js';

/** PrepareForUpdate of every controller: writes to the object never change its status. */
export function keepOldStatus<T extends KubeObject>(obj: T, old: T): void {
  if (old.status === undefined) delete (obj as Record<string, unknown>).status;
  else (obj as Record<string, unknown>).status = structuredClone(old.status);
}

/** Scale.status.selector for a LabelSelector-based controller. */
export function scaleSelector(sel: LabelSelector | undefined): string {
  try {
    return selectorToString(labelSelectorAsSelector(sel));
  } catch {
    return '';
  }
}

export { formatLabelSelector };

export const AGE_DESCRIPTION = 'CreationTimestamp is a timestamp representing the server time when this object was created.';
export const CONTAINERS_COLUMN = { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.' } as const;
export const IMAGES_COLUMN = { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.' } as const;
export const SELECTOR_COLUMN = { name: 'Selector', type: 'string', priority: 1, description: 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.' } as const;

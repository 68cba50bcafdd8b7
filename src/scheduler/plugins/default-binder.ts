// Bind: POST pods/{name}/binding, the one call that assigns a pod to a node.
import { resourceRef } from '../../client/rest.js';
import { Status } from '../framework/status.js';
import type { BindPlugin, Handle } from '../framework/types.js';

export const NAME = 'DefaultBinder';
export const PODS = resourceRef('', 'v1', 'pods', true);

export function defaultBinder(handle: Handle): BindPlugin {
  return {
    name: NAME,
    async bind(_state, pod, node) {
      const { name, namespace, uid } = pod.metadata;
      const body = { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, uid }, target: { apiVersion: 'v1', kind: 'Node', name: node } };
      try {
        await handle.client.request('POST', handle.client.path(PODS, namespace, name, 'binding'), { body });
      } catch (err) {
        return Status.error(err);
      }
      return undefined;
    },
  };
}

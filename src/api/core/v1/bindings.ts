// core/v1 Binding: ties a pod to a node. Create-only; the same body is what pods/binding takes.
import { type Static, req } from '../../schema.js';
import type { KubeObject, ResourceDef } from '../../resource.js';
import { use } from '../../meta/v1/types.js';
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';
import { CORE, kindObject, ObjectReference } from './common.js';

export const BindingSchema = kindObject(`${CORE}.Binding`, { group: '', version: 'v1', kind: 'Binding' }, {
  target: req(2, use(ObjectReference)),
}, 'Binding ties one object to another; for example, a pod is bound to a node by a scheduler.');
export type Binding = Static<typeof BindingSchema> & KubeObject;

/** ValidatePodBinding. */
export function validateBinding(b: Binding): FieldError[] {
  const errs: FieldError[] = [];
  const t = b.target ?? {};
  if (t.kind && t.kind !== 'Node') errs.push(fieldErrors.notSupported('target.kind', t.kind, ['Node', '<empty>']));
  if (!t.name) errs.push(fieldErrors.required('target.name'));
  return errs;
}

export const bindings: ResourceDef<Binding> = {
  group: '',
  version: 'v1',
  kind: 'Binding',
  listKind: 'BindingList',
  plural: 'bindings',
  singular: 'binding',
  namespaced: true,
  verbs: ['create'],
  schema: BindingSchema,
  validate: validateBinding,
  description: 'Binding ties one object to another; for example, a pod is bound to a node by a scheduler.',
};

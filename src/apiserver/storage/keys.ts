// Store keys: /registry/<group or "core">/<plural>/[<namespace>/]<name>. One prefix per resource
// lets the watch cache hold exactly one store watch per resource.
import type { ResourceDef } from '../../api/resource.js';

export function resourcePrefix(def: Pick<ResourceDef, 'group' | 'plural'>): string {
  return `/registry/${def.group || 'core'}/${def.plural}/`;
}

export function namespacePrefix(def: Pick<ResourceDef, 'group' | 'plural'>, namespace: string): string {
  return `${resourcePrefix(def)}${namespace}/`;
}

export function objectKey(def: Pick<ResourceDef, 'group' | 'plural' | 'namespaced'>, namespace: string | undefined, name: string): string {
  return def.namespaced ? `${resourcePrefix(def)}${namespace}/${name}` : `${resourcePrefix(def)}${name}`;
}

// One OpenAPI 3.0 document per group-version, as /openapi/v3/apis/{group}/{version} serves it:
// the paths of its resources and every schema they reach, each kind tagged with
// x-kubernetes-group-version-kind (kubectl explain and kubectl's field validation look for it).
import { Type, type TSchema } from '@sinclair/typebox';
import type { ResourceDef } from '../../api/resource.js';
import { ListMeta, Status, DeleteOptions, use } from '../../api/meta/v1/types.js';
import { verbsOf, DEFAULT_POD_SUBRESOURCES, type GroupVersionResources } from '../discovery/index.js';
import { SchemaCollector } from './schema-render.js';
import { resourcePaths, type PathItem, type SchemaIds } from './operations.js';
import { Scale, Binding, Eviction, WatchEvent, Patch } from './extra-types.js';
import { GIT_VERSION } from '../system/version.js';
import { FIELD_DESCRIPTIONS } from './field-descriptions.js';

/** The component id of a resource's List: its kind's id with the List kind's name. */
function listIdOf(def: ResourceDef, kindId: string): string {
  const dot = kindId.lastIndexOf('.');
  return `${dot >= 0 ? kindId.slice(0, dot + 1) : ''}${def.listKind}`;
}

function listSchema(def: ResourceDef, kindSchema: TSchema, id: string): TSchema {
  return Type.Object({
    apiVersion: Type.Optional(Type.String()),
    items: Type.Array(kindSchema, { description: `List of ${def.plural}.` }),
    kind: Type.Optional(Type.String()),
    metadata: Type.Optional(use(ListMeta)),
  }, { $id: id, required: ['items'], description: `${def.listKind} is a list of ${def.kind} objects.` });
}

const gvkOf = (group: string, version: string, kind: string) => ({ 'x-kubernetes-group-version-kind': [{ group, version, kind }] });

export function groupVersionDocument(gv: GroupVersionResources, podSubresources: readonly string[] = DEFAULT_POD_SUBRESOURCES): Record<string, unknown> {
  const c = new SchemaCollector();
  c.index(...gv.resources.map((r) => r.schema));
  const paths: Record<string, PathItem> = {};
  const shared = {
    status: c.define(Status),
    deleteOptions: c.define(DeleteOptions),
    watchEvent: c.define(WatchEvent),
    patch: c.define(Patch),
  };

  for (const def of gv.resources) {
    const kindId = typeof def.schema.$id === 'string' ? def.schema.$id : `${def.group || 'core'}.${def.version}.${def.kind}`;
    c.define(def.schema, kindId);
    c.annotate(kindId, gvkOf(def.group, def.version, def.kind));
    c.describeStandardFields(kindId);
    if (def.description && !c.components[kindId].description) c.components[kindId].description = def.description;

    // A List type exists only for resources that can be listed (not e.g. create-only bindings).
    const listable = ['list', 'watch', 'deletecollection'].some((v) => verbsOf(def).includes(v));
    const listId = listIdOf(def, kindId);
    if (listable) {
      c.define(listSchema(def, def.schema, listId), listId);
      c.annotate(listId, gvkOf(def.group, def.version, def.listKind));
      c.describeStandardFields(listId);
    }

    const ids: SchemaIds = { ...shared, kind: kindId, list: listId, scale: '', binding: '', eviction: '' };
    if (def.subresources?.scale) {
      ids.scale = c.define(Scale);
      c.annotate(ids.scale, gvkOf('autoscaling', 'v1', 'Scale'));
    }
    if (def.subresources?.binding) {
      ids.binding = c.define(Binding);
      c.annotate(ids.binding, gvkOf('', 'v1', 'Binding'));
    }
    if (def.group === '' && def.plural === 'pods' && podSubresources.includes('eviction')) {
      ids.eviction = c.define(Eviction);
      c.annotate(ids.eviction, gvkOf('policy', 'v1', 'Eviction'));
    }
    for (const [path, item] of Object.entries(resourcePaths(def, ids, podSubresources))) paths[path] = { ...paths[path], ...item };
  }

  c.describeFields(FIELD_DESCRIPTIONS);

  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: GIT_VERSION },
    paths,
    components: {
      schemas: sortKeys(c.components),
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
    security: [{ BearerToken: [] }],
  };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}


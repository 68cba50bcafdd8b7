// Output negotiation for reads: plain objects, meta.k8s.io Tables (what `kubectl get` asks for)
// and PartialObjectMetadata (metadata-only clients such as the garbage collector).
import type { IncomingMessage } from 'node:http';
import type { KubeObject, ResourceDef, TableColumn } from '../../api/resource.js';
import { errors } from '../../machinery/errors.js';

export type Output =
  | { as: 'object' }
  | { as: 'Table'; version: 'v1' | 'v1beta1'; includeObject: 'None' | 'Metadata' | 'Object' }
  | { as: 'PartialObjectMetadata'; version: 'v1' | 'v1beta1' };

/** Picks the first Accept entry we can produce (kubectl lists Table first, then plain JSON). */
export function negotiateOutput(req: IncomingMessage, query: URLSearchParams): Output {
  const accept = req.headers.accept ?? '';
  // What nearly every request asks (controllers, the scheduler, kubelets): no parsing needed.
  if ((accept === 'application/json' || accept === '') && !query.has('includeObject')) return { as: 'object' };
  const includeRaw = query.get('includeObject');
  let includeObject: 'None' | 'Metadata' | 'Object' = 'Metadata';
  if (includeRaw) {
    if (includeRaw !== 'None' && includeRaw !== 'Metadata' && includeRaw !== 'Object') {
      throw errors.badRequest(`includeObject: Unsupported value: "${includeRaw}": supported values: "Metadata", "None", "Object"`);
    }
    includeObject = includeRaw;
  }
  for (const entry of accept.split(',')) {
    const parts = entry.split(';').map((p) => p.trim());
    const mt = (parts[0] ?? '').toLowerCase();
    const params: Record<string, string> = {};
    for (const p of parts.slice(1)) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
    }
    if (params.as) {
      if (mt !== 'application/json' && mt !== '*/*') continue;
      if (params.g !== 'meta.k8s.io' || (params.v !== 'v1' && params.v !== 'v1beta1')) continue;
      if (params.as === 'Table') return { as: 'Table', version: params.v, includeObject };
      if (params.as === 'PartialObjectMetadata' || params.as === 'PartialObjectMetadataList') return { as: 'PartialObjectMetadata', version: params.v };
      continue;
    }
    if (mt === '' || mt === 'application/json' || mt === '*/*' || mt === 'application/*' || mt === 'application/vnd.kubernetes.protobuf' || mt === 'application/yaml') {
      return { as: 'object' };
    }
  }
  if (accept.trim() === '') return { as: 'object' };
  // Nothing we can produce was offered; JSON is what every Kubernetes client understands.
  return { as: 'object' };
}

const NAME_COLUMN = {
  name: 'Name', type: 'string', format: 'name', priority: 0,
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
};

const CREATED_COLUMN: TableColumn = {
  name: 'Created At', type: 'date', format: '', priority: 0,
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
};

export function columnDefinitions(def: ResourceDef): object[] {
  const cols = def.table ? def.table.columns : [CREATED_COLUMN];
  const defs = cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 }));
  return def.table?.includesName ? defs : [NAME_COLUMN, ...defs];
}

export function partialMetadata(obj: KubeObject, version = 'v1'): object {
  const { managedFields: _mf, ...meta } = obj.metadata;
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: meta };
}

export function tableRow(def: ResourceDef, obj: KubeObject, includeObject: 'None' | 'Metadata' | 'Object', now: number, version = 'v1'): object {
  let cells: unknown[];
  try {
    cells = def.table ? def.table.cells(obj as never, now) : [obj.metadata.creationTimestamp ?? ''];
  } catch {
    cells = (def.table?.columns ?? [CREATED_COLUMN]).map(() => '<unknown>');
  }
  const row: Record<string, unknown> = { cells: def.table?.includesName ? cells : [obj.metadata.name ?? '', ...cells] };
  if (includeObject === 'Object') row.object = obj;
  else if (includeObject === 'Metadata') row.object = partialMetadata(obj, version);
  return row;
}

export function table(def: ResourceDef, objs: KubeObject[], o: { includeObject: 'None' | 'Metadata' | 'Object'; version: string; now: number; resourceVersion?: string; continue?: string; columns?: boolean }): object {
  const metadata: Record<string, string> = {};
  if (o.resourceVersion) metadata.resourceVersion = o.resourceVersion;
  if (o.continue) metadata.continue = o.continue;
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${o.version}`,
    metadata,
    columnDefinitions: o.columns === false ? [] : columnDefinitions(def),
    rows: objs.map((obj) => tableRow(def, obj, o.includeObject, o.now, o.version)),
  };
}

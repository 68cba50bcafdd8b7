// The `paths` of a group-version document: every path and operation Kubernetes serves for each
// resource, named as Kubernetes names them (operationId `patchCoreV1NamespacedConfigMap`, action
// `patch`). Parameters are inlined at the operation level: kubectl looks for `fieldValidation`
// among a PATCH operation's own parameters to decide whether the server validates fields.
import type { ResourceDef } from '../../api/resource.js';
import { subresourcesOf, verbsOf, type GroupVersionKind } from '../discovery/index.js';
import { REF_PREFIX, type OpenApiSchema } from './schema-render.js';

type Param = { name: string; in: 'query' | 'path'; description: string; required?: boolean; schema: OpenApiSchema; uniqueItems?: boolean };
type Operation = Record<string, unknown>;
export type PathItem = Record<string, unknown>;

const q = (name: string, type: string, description: string): Param => ({ name, in: 'query', description, schema: { type }, uniqueItems: true });

const P = {
  pretty: q('pretty', 'string', "If 'true', then the output is pretty printed."),
  dryRun: q('dryRun', 'string', 'When present, indicates that modifications should not be persisted. The only valid value is All.'),
  fieldManager: q('fieldManager', 'string', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  fieldValidation: q('fieldValidation', 'string', 'How the server handles unknown or duplicate fields in the body: Ignore, Warn or Strict.'),
  force: q('force', 'boolean', 'Force is going to "force" Apply requests: re-acquire conflicting fields owned by other people.'),
  allowWatchBookmarks: q('allowWatchBookmarks', 'boolean', 'allowWatchBookmarks requests watch events with type "BOOKMARK".'),
  continue: q('continue', 'string', 'The continue option should be set when retrieving more results from the server.'),
  fieldSelector: q('fieldSelector', 'string', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  labelSelector: q('labelSelector', 'string', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  limit: q('limit', 'integer', 'limit is a maximum number of responses to return for a list call.'),
  resourceVersion: q('resourceVersion', 'string', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  resourceVersionMatch: q('resourceVersionMatch', 'string', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  sendInitialEvents: q('sendInitialEvents', 'boolean', 'sendInitialEvents=true may be set together with watch=true.'),
  timeoutSeconds: q('timeoutSeconds', 'integer', 'Timeout for the list/watch call.'),
  watch: q('watch', 'boolean', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.'),
  gracePeriodSeconds: q('gracePeriodSeconds', 'integer', 'The duration in seconds before the object should be deleted.'),
  orphanDependents: q('orphanDependents', 'boolean', 'Deprecated: please use the PropagationPolicy.'),
  propagationPolicy: q('propagationPolicy', 'string', "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."),
};
const LIST_PARAMS = [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];

const pathParam = (name: string, description: string): Param => ({ name, in: 'path', description, required: true, schema: { type: 'string' }, uniqueItems: true });
const NAMESPACE = pathParam('namespace', 'object name and auth scope, such as for teams and projects');

const ref = (id: string): OpenApiSchema => ({ $ref: REF_PREFIX + id });
const RESPONSE_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const WATCH_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
const content = (schema: OpenApiSchema, types = RESPONSE_TYPES) => Object.fromEntries(types.map((t) => [t, { schema }]));
const ok = (schema: OpenApiSchema, types = RESPONSE_TYPES) => ({ description: 'OK', content: content(schema, types) });
const UNAUTHORIZED = { description: 'Unauthorized' };

/** "apps" -> "Apps", "coordination.k8s.io" -> "Coordination", "rbac.authorization.k8s.io" -> "RbacAuthorization". */
export function groupWord(group: string): string {
  if (!group) return 'Core';
  return group.replace(/\.k8s\.io$/, '').split('.').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export interface SchemaIds {
  kind: string; // component id of the kind
  list: string; // component id of its List
  status: string; // meta.v1.Status
  deleteOptions: string;
  watchEvent: string;
  patch: string;
  scale: string;
  binding: string;
  eviction: string;
}

/** Every path of one resource, with its operations; merged into the document's `paths`. */
export function resourcePaths(def: ResourceDef, ids: SchemaIds, podSubresources?: readonly string[]): Record<string, PathItem> {
  const verbs = new Set(verbsOf(def));
  const prefix = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
  const gv = groupWord(def.group) + cap(def.version);
  const scope = def.namespaced ? 'Namespaced' : '';
  const word = groupWord(def.group);
  const tag = `${word.charAt(0).toLowerCase()}${word.slice(1)}_${def.version}`;
  const gvk: GroupVersionKind = { group: def.group, version: def.version, kind: def.kind };
  const nsSeg = def.namespaced ? '/namespaces/{namespace}' : '';
  const collection = `${prefix}${nsSeg}/${def.plural}`;
  const item = `${collection}/{name}`;
  const nameParam = pathParam('name', `name of the ${def.kind}`);
  const scopeParams = def.namespaced ? [NAMESPACE] : [];
  const paths: Record<string, PathItem> = {};

  const op = (action: string, operationId: string, description: string, parameters: Param[], responses: Record<string, unknown>, extra: Operation = {}, kind: GroupVersionKind = gvk): Operation => ({
    tags: [tag], description, operationId, parameters, responses: { ...responses, '401': UNAUTHORIZED },
    'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': kind, ...extra,
  });
  const body = (id: string, types = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']) => ({ requestBody: { required: true, content: content(ref(id), types) } });
  // Strategic merge patch is left out on purpose: listed, kubectl would build SMPs from these schemas (kubectl-wire.md §3).
  const patchBody = { requestBody: { required: true, content: content(ref(ids.patch), ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']) } };
  const add = (path: string, method: string, operation: Operation, params: Param[]) => {
    const entry = (paths[path] ??= { parameters: [...params, P.pretty] });
    entry[method] = operation;
  };
  const K = def.kind;

  if (verbs.has('list')) add(collection, 'get', op('list', `list${gv}${scope}${K}`, `list or watch objects of kind ${K}`, LIST_PARAMS, { '200': ok(ref(ids.list), WATCH_TYPES) }), scopeParams);
  if (verbs.has('create')) add(collection, 'post', op('post', `create${gv}${scope}${K}`, `create a ${K}`, WRITE_PARAMS,
    { '200': ok(ref(ids.kind)), '201': { ...ok(ref(ids.kind)), description: 'Created' }, '202': { ...ok(ref(ids.kind)), description: 'Accepted' } }, body(ids.kind)), scopeParams);
  if (verbs.has('deletecollection')) add(collection, 'delete', op('deletecollection', `delete${gv}Collection${scope}${K}`, `delete collection of ${K}`,
    [P.continue, P.dryRun, P.fieldSelector, P.gracePeriodSeconds, P.labelSelector, P.limit, P.orphanDependents, P.propagationPolicy, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds],
    { '200': ok(ref(ids.status)) }, { requestBody: { content: content(ref(ids.deleteOptions), ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']) } }), scopeParams);
  if (verbs.has('get')) add(item, 'get', op('get', `read${gv}${scope}${K}`, `read the specified ${K}`, [], { '200': ok(ref(ids.kind)) }), [nameParam, ...scopeParams]);
  if (verbs.has('update')) add(item, 'put', op('put', `replace${gv}${scope}${K}`, `replace the specified ${K}`, WRITE_PARAMS,
    { '200': ok(ref(ids.kind)), '201': { ...ok(ref(ids.kind)), description: 'Created' } }, body(ids.kind)), [nameParam, ...scopeParams]);
  if (verbs.has('patch')) add(item, 'patch', op('patch', `patch${gv}${scope}${K}`, `partially update the specified ${K}`, [...WRITE_PARAMS, P.force],
    { '200': ok(ref(ids.kind)), '201': { ...ok(ref(ids.kind)), description: 'Created' } }, patchBody), [nameParam, ...scopeParams]);
  if (verbs.has('delete')) add(item, 'delete', op('delete', `delete${gv}${scope}${K}`, `delete a ${K}`, [P.dryRun, P.gracePeriodSeconds, P.orphanDependents, P.propagationPolicy],
    { '200': ok(ref(ids.status)), '202': { ...ok(ref(ids.status)), description: 'Accepted' } }, { requestBody: { content: content(ref(ids.deleteOptions), ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']) } }), [nameParam, ...scopeParams]);
  if (verbs.has('watch')) {
    const watchCollection = `${prefix}/watch${nsSeg}/${def.plural}`;
    add(watchCollection, 'get', op('watchlist', `watch${gv}${scope}${K}List`, `watch individual changes to a list of ${K}. deprecated: use the 'watch' parameter with a list operation instead.`, LIST_PARAMS, { '200': ok(ref(ids.watchEvent), WATCH_TYPES) }), scopeParams);
    add(`${watchCollection}/{name}`, 'get', op('watch', `watch${gv}${scope}${K}`, `watch changes to an object of kind ${K}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`, LIST_PARAMS, { '200': ok(ref(ids.watchEvent), WATCH_TYPES) }), [nameParam, ...scopeParams]);
  }
  if (def.namespaced && verbs.has('list')) add(`${prefix}/${def.plural}`, 'get', op('list', `list${gv}${K}ForAllNamespaces`, `list or watch objects of kind ${K}`, LIST_PARAMS, { '200': ok(ref(ids.list), WATCH_TYPES) }), []);
  if (def.namespaced && verbs.has('watch')) add(`${prefix}/watch/${def.plural}`, 'get', op('watchlist', `watch${gv}${K}ListForAllNamespaces`, `watch individual changes to a list of ${K}. deprecated: use the 'watch' parameter with a list operation instead.`, LIST_PARAMS, { '200': ok(ref(ids.watchEvent), WATCH_TYPES) }), []);

  for (const sub of subresourcesOf(def, podSubresources)) {
    const path = `${item}/${sub.name}`;
    const S = cap(sub.name);
    const params = [pathParam('name', `name of the ${sub.responseKind.kind}`), ...scopeParams];
    const subKind = sub.responseKind;
    if (sub.name === 'status' || sub.name === 'scale') {
      const id = sub.name === 'scale' ? ids.scale : ids.kind;
      add(path, 'get', op('get', `read${gv}${scope}${K}${S}`, `read ${sub.name} of the specified ${K}`, [], { '200': ok(ref(id)) }, {}, subKind), params);
      add(path, 'put', op('put', `replace${gv}${scope}${K}${S}`, `replace ${sub.name} of the specified ${K}`, WRITE_PARAMS, { '200': ok(ref(id)), '201': { ...ok(ref(id)), description: 'Created' } }, body(id), subKind), params);
      add(path, 'patch', op('patch', `patch${gv}${scope}${K}${S}`, `partially update ${sub.name} of the specified ${K}`, [...WRITE_PARAMS, P.force], { '200': ok(ref(id)), '201': { ...ok(ref(id)), description: 'Created' } }, patchBody, subKind), params);
    } else if (sub.name === 'binding' || sub.name === 'eviction') {
      const id = sub.name === 'binding' ? ids.binding : ids.eviction;
      add(path, 'post', op('post', `create${gv}${scope}${K}${S}`, `create ${sub.name} of a ${K}`, WRITE_PARAMS,
        { '200': ok(ref(id)), '201': { ...ok(ref(id)), description: 'Created' }, '202': { ...ok(ref(id)), description: 'Accepted' } }, body(id), subKind), params);
    } else if (sub.name === 'log') {
      const logParams = [q('container', 'string', 'The container for which to stream logs.'), q('follow', 'boolean', 'Follow the log stream of the pod.'), q('limitBytes', 'integer', 'The number of bytes to read from the server before terminating the log output.'),
        q('previous', 'boolean', 'Return previous terminated container logs.'), q('sinceSeconds', 'integer', 'A relative time in seconds before the current time from which to show logs.'),
        q('tailLines', 'integer', 'The number of lines from the end of the logs to show.'), q('timestamps', 'boolean', 'If true, add an RFC3339 timestamp at the beginning of every line of log output.')];
      add(path, 'get', op('get', `read${gv}${scope}${K}${S}`, `read log of the specified ${K}`, logParams, { '200': ok({ type: 'string' }, ['text/plain', 'application/json', 'application/yaml']) }, {}, subKind), params);
    } else {
      // exec, attach, portforward: connections upgraded to a stream (WebSocket or SPDY).
      const connectParams = sub.name === 'portforward' ? [q('ports', 'integer', 'List of ports to forward.')]
        : [...(sub.name === 'exec' ? [q('command', 'string', 'Command is the remote command to execute. argv array.')] : []), q('container', 'string', 'The container in which to run.'),
          q('stderr', 'boolean', 'Redirect the standard error stream of the pod for this call.'), q('stdin', 'boolean', 'Redirect the standard input stream of the pod for this call.'),
          q('stdout', 'boolean', 'Redirect the standard output stream of the pod for this call.'), q('tty', 'boolean', 'TTY if true indicates that a tty will be allocated for the exec call.')];
      for (const method of ['get', 'post']) {
        add(path, method, op('connect', `connect${gv}${cap(method)}${scope}${K}${S}`, `connect ${method.toUpperCase()} requests to ${sub.name} of ${K}`, connectParams, { '200': ok({ type: 'string' }, ['*/*']) }, {}, subKind), params);
      }
    }
  }
  return paths;
}

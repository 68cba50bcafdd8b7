// Generators of malformed and hostile requests for the API server fuzz test. Each generator builds
// a request that Kubernetes refuses (expect 'reject': a 4xx Status), or, where the request's
// validity cannot be judged up front (random selector strings), a read-only request that must
// simply not fail the server (expect 'safe': anything but a 5xx). Writes are always built so that
// they cannot succeed, which is what lets the test demand an unchanged store afterwards.
import protobuf from 'protobufjs';
import type { Prng } from './prng.js';
import { encodePodProtobuf, podProtoRoot } from '../../../src/apiserver/protobuf/pod-proto-fixture.js';
import { PROTOBUF_MAGIC } from '../../../src/apiserver/protobuf/decode.js';

export interface FuzzRequest {
  category: string;
  method: string;
  path: string;
  body?: Buffer | string;
  /** Content-Type header; undefined sends none. */
  contentType?: string;
  /** Send the body with chunked transfer encoding (no Content-Length). */
  chunked?: boolean;
  /** 'reject': must be 4xx; 'safe': must not be 5xx; a number: exactly that status. */
  expect: 'reject' | 'safe' | number;
}

export const NS = 'fuzz';
const JSON_CT = 'application/json';

interface Kind {
  kind: string;
  apiVersion: string;
  collection: string;
  fixture: string;
  make(name: string): Record<string, any>;
  /** Known fields set to values of the wrong type. */
  wrongTypes: [string, unknown][];
  /** Where an unknown field can go (not inside maps, where any key is fine). */
  unknownAt: string[];
}

const podTemplate = (name: string) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'fz' } },
  spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: 'b' }] }] },
});

export const KINDS: Kind[] = [
  {
    kind: 'Pod', apiVersion: 'v1', collection: `/api/v1/namespaces/${NS}/pods`, fixture: 'p', make: podTemplate,
    wrongTypes: [
      ['spec', 'x'], ['spec.containers', {}], ['spec.containers', 'x'], ['spec.containers', 5], ['spec.containers.0', 'x'],
      ['spec.containers.0.name', 5], ['spec.containers.0.image', []], ['spec.containers.0.ports', {}],
      ['spec.containers.0.ports.0.containerPort', 'eighty'], ['spec.containers.0.ports.0.containerPort', 1.5],
      ['spec.containers.0.ports.0.containerPort', true], ['spec.restartPolicy', 1], ['spec.nodeSelector', []],
      ['spec.nodeSelector', { a: 1 }], ['spec.terminationGracePeriodSeconds', 'x'], ['spec.containers.0.env', {}],
      ['spec.containers.0.env.0.value', 1], ['spec.containers.0.resources', 'x'], ['spec.containers.0.resources.limits', []],
      ['spec.containers.0.resources.limits.cpu', {}], ['spec.containers.0.resources.limits.cpu', 'lots'],
      ['spec.containers.0.command', 'sh'], ['spec.hostNetwork', 'yes'], ['spec.priority', 'high'],
    ],
    unknownAt: ['', 'metadata', 'spec', 'spec.containers.0', 'spec.containers.0.ports.0'],
  },
  {
    kind: 'ConfigMap', apiVersion: 'v1', collection: `/api/v1/namespaces/${NS}/configmaps`, fixture: 'cm',
    make: (name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } }),
    wrongTypes: [['data', []], ['data', 'x'], ['data.a', 1], ['data.a', {}], ['data.a', []], ['binaryData', 3], ['binaryData.b', 5], ['binaryData.b', 'not base64!!'], ['immutable', 'yes']],
    unknownAt: ['', 'metadata'],
  },
  {
    kind: 'Service', apiVersion: 'v1', collection: `/api/v1/namespaces/${NS}/services`, fixture: 's',
    make: (name) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: 'fz' }, ports: [{ port: 80, targetPort: 8080 }] } }),
    wrongTypes: [['spec.ports', {}], ['spec.ports.0.port', 'x'], ['spec.ports.0.port', 1.25], ['spec.type', 5], ['spec.selector', []], ['spec.selector.app', 2], ['spec.clusterIP', 10]],
    unknownAt: ['', 'metadata', 'spec', 'spec.ports.0'],
  },
  {
    kind: 'Secret', apiVersion: 'v1', collection: `/api/v1/namespaces/${NS}/secrets`, fixture: 'sec',
    make: (name) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', data: { a: 'MQ==' } }),
    wrongTypes: [['data', []], ['data.a', 5], ['data.a', 'not base64!!'], ['stringData', 'x'], ['stringData.b', 1], ['type', 4]],
    unknownAt: ['', 'metadata'],
  },
  {
    kind: 'Deployment', apiVersion: 'apps/v1', collection: `/apis/apps/v1/namespaces/${NS}/deployments`, fixture: 'd',
    make: (name) => ({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
      spec: { replicas: 1, selector: { matchLabels: { app: 'fz' } }, template: { metadata: { labels: { app: 'fz' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    }),
    wrongTypes: [['spec.replicas', 'two'], ['spec.replicas', 1.5], ['spec.replicas', {}], ['spec.selector', 'x'], ['spec.selector.matchLabels', []],
      ['spec.template', []], ['spec.template.spec.containers', {}], ['spec.strategy.type', 1], ['spec.paused', 'no'], ['spec.minReadySeconds', '5']],
    unknownAt: ['', 'metadata', 'spec', 'spec.template', 'spec.template.spec', 'spec.template.spec.containers.0'],
  },
  {
    kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', collection: `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`, fixture: 'l',
    make: (name) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: 'h', leaseDurationSeconds: 10 } }),
    wrongTypes: [['spec.leaseDurationSeconds', 'x'], ['spec.holderIdentity', 5], ['spec.renewTime', 5], ['spec.renewTime', 'not-a-time'], ['spec', []]],
    unknownAt: ['', 'metadata', 'spec'],
  },
  {
    kind: 'Namespace', apiVersion: 'v1', collection: '/api/v1/namespaces', fixture: NS,
    make: (name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
    wrongTypes: [['spec', 'x'], ['spec.finalizers', 'kubernetes'], ['spec.finalizers', [1]]],
    unknownAt: ['', 'metadata', 'spec'],
  },
  {
    kind: 'Node', apiVersion: 'v1', collection: '/api/v1/nodes', fixture: 'n1',
    make: (name) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {} }),
    wrongTypes: [['spec.unschedulable', 'yes'], ['spec.taints', {}], ['spec.taints.0', 'x'], ['spec.podCIDR', 5]],
    unknownAt: ['', 'metadata', 'spec'],
  },
];

const METADATA_WRONG_TYPES: [string, unknown][] = [
  ['metadata', 'x'], ['metadata', []], ['metadata', 5], ['metadata.name', 5], ['metadata.name', true], ['metadata.name', []],
  ['metadata.name', {}], ['metadata.labels', 'x'], ['metadata.labels', [1]], ['metadata.labels.a', 1], ['metadata.labels.a', {}],
  ['metadata.labels.a', true], ['metadata.annotations', 7], ['metadata.annotations.a', []], ['metadata.finalizers', 'x'],
  ['metadata.finalizers', [3]], ['metadata.ownerReferences', {}], ['metadata.generateName', 3], ['apiVersion', 1], ['kind', []],
];

/** Sets a dotted path ("spec.containers.0.image"), creating objects on the way. */
export function setPath(obj: Record<string, any>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: any = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i]!;
    if (cur[p] === undefined || cur[p] === null || typeof cur[p] !== 'object') cur[p] = {};
    cur = cur[p];
  }
  cur[parts[parts.length - 1]!] = value;
}

function getPath(obj: Record<string, any>, path: string): any {
  return path === '' ? obj : path.split('.').reduce((o: any, p) => (o == null ? undefined : o[p]), obj);
}

let serial = 0;
const fresh = () => `fz-${++serial}`;

const itemPath = (k: Kind, name = k.fixture) => `${k.collection}/${name}`;

/** A write carrying body: create with a fresh name, or update of the fixture. */
function write(rng: Prng, k: Kind, category: string, body: Record<string, any> | string, opts: { query?: string; contentType?: string; expect?: FuzzRequest['expect'] } = {}): FuzzRequest {
  const q = opts.query ? `?${opts.query}` : '';
  const update = rng.chance(0.35);
  if (update && typeof body === 'object' && body.metadata && typeof body.metadata === 'object' && !Array.isArray(body.metadata) && typeof body.metadata.name === 'string' && body.metadata.name.startsWith('fz-')) {
    body.metadata.name = k.fixture;
  }
  return {
    category, method: update ? 'PUT' : 'POST', path: (update ? itemPath(k) : k.collection) + q,
    body: typeof body === 'string' ? body : JSON.stringify(body), contentType: opts.contentType ?? JSON_CT, expect: opts.expect ?? 'reject',
  };
}

// ---- bad and truncated JSON ----
const BROKEN_JSON = [
  '{', '{"a":', '{"metadata":{"name":"x"}', '[1,2', 'nul', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', '"unterminated', '{"a":"\\x"}',
  '{"a":01}', '{"a":.5}', '{"a":+1}', '{"a":NaN}', '{"a":Infinity}', '{"a" 1}', '{,}', '{"a":[1,]}', '\u0000', '{"a":"\u0001"}x',
  '{"apiVersion":"v1","kind":"Pod",', '{"metadata":{"name":"a"}}}', ']', '}', '//comment\n{}', '{"a":undefined}', '{"a":tru}',
];
const NON_OBJECT_JSON = ['[]', '[1,2]', '1', '"s"', 'null', 'true', '{}', '[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}]'];

function badJson(rng: Prng): FuzzRequest {
  const k = rng.pick(KINDS);
  let text: string;
  const r = rng.int(4);
  if (r === 0) text = rng.pick(BROKEN_JSON);
  else if (r === 1) text = rng.pick(NON_OBJECT_JSON);
  else if (r === 2) text = rng.bytes(1 + rng.int(200)).toString('latin1');
  else {
    // A valid object cut short: anything shorter than the whole no longer parses.
    const whole = JSON.stringify(k.make(fresh()));
    text = whole.slice(0, 1 + rng.int(whole.length - 2));
  }
  const method = rng.pick(['POST', 'PUT', 'PATCH']);
  const path = method === 'POST' ? k.collection : itemPath(k);
  const contentType = method === 'PATCH' ? rng.pick(['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json']) : JSON_CT;
  // An empty JSON object is a fine merge patch ("change nothing") but no object to create or put.
  if (method === 'PATCH' && (text === '{}' || text === '[]')) text = '{"metadata":';
  return { category: 'bad-json', method, path, body: Buffer.from(text, 'latin1'), contentType, expect: 'reject' };
}

// ---- deep nesting ----
function deep(rng: Prng, depth: number): string {
  return rng.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function deepNesting(rng: Prng): FuzzRequest {
  const depth = rng.pick([10_000, 10_000, 10_000, 50_000, 1_000]);
  const d = deep(rng, depth);
  const k = rng.pick(KINDS);
  const r = rng.int(6);
  if (r === 0) {
    // The whole body is one deep value.
    return { category: 'deep-nesting', method: 'POST', path: k.collection, body: d, contentType: JSON_CT, expect: 'reject' };
  }
  if (r === 1) {
    // Deep where a string must be (labels, annotations, name).
    const obj = k.make(fresh());
    setPath(obj, rng.pick(['metadata.labels.a', 'metadata.annotations.a', 'metadata.name']), '__DEEP__');
    return write(rng, k, 'deep-nesting', JSON.stringify(obj).replace('"__DEEP__"', d));
  }
  if (r === 2) {
    // Deep in an unknown field under Strict validation.
    const obj = k.make(fresh());
    const at = rng.pick(k.unknownAt);
    setPath(obj, at ? `${at}.fuzzDeep` : 'fuzzDeep', '__DEEP__');
    return write(rng, k, 'deep-nesting', JSON.stringify(obj).replace('"__DEEP__"', d), { query: 'fieldValidation=Strict' });
  }
  if (r === 3) {
    const type = rng.pick(['application/merge-patch+json', 'application/strategic-merge-patch+json']);
    return { category: 'deep-nesting', method: 'PATCH', path: itemPath(k), body: `{"metadata":{"labels":{"a":${d}}}}`, contentType: type, expect: 'reject' };
  }
  if (r === 4) {
    return { category: 'deep-nesting', method: 'PATCH', path: itemPath(k), body: `[{"op":"add","path":"/metadata/annotations","value":{"a":${d}}}]`, contentType: 'application/json-patch+json', expect: 'reject' };
  }
  // YAML: as a create body and as an apply patch.
  const yamlDeep = rng.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{a: '.repeat(depth) + '1' + '}'.repeat(depth);
  const yaml = `apiVersion: ${k.apiVersion}\nkind: ${k.kind}\nmetadata:\n  name: ${k.fixture}\n  labels:\n    a: ${yamlDeep}\n`;
  if (rng.chance(0.5)) return { category: 'deep-nesting', method: 'POST', path: k.collection, body: yaml.replace(`name: ${k.fixture}`, `name: ${fresh()}`), contentType: 'application/yaml', expect: 'reject' };
  return { category: 'deep-nesting', method: 'PATCH', path: `${itemPath(k)}?fieldManager=fuzz`, body: yaml, contentType: 'application/apply-patch+yaml', expect: 'reject' };
}

// ---- huge bodies and strings ----
const MiB = 1024 * 1024;

function hugeString(rng: Prng): FuzzRequest {
  const k = rng.pick(KINDS);
  const r = rng.int(4);
  if (r <= 1) {
    // Beyond kube-apiserver's 3 MiB request limit: 413, with or without a Content-Length.
    const obj = k.make(fresh());
    setPath(obj, 'metadata.annotations.big', 'x'.repeat(3 * MiB + 1 + rng.int(MiB)));
    return { category: 'huge-body', method: 'POST', path: k.collection, body: JSON.stringify(obj), contentType: JSON_CT, chunked: r === 1, expect: 413 };
  }
  // Under the limit but far beyond what a field may hold: 422.
  const obj = k.make(fresh());
  const big = 'a'.repeat(rng.pick([300 * 1024, 600 * 1024, 64, 254, 10_000]) + 1);
  const where = rng.pick(['metadata.labels.a', 'metadata.name', 'metadata.annotations.big', 'metadata.labels.' + 'k'.repeat(64)]);
  if (where === 'metadata.annotations.big' && big.length < 262_145) setPath(obj, where, big + 'a'.repeat(262_145));
  else setPath(obj, where, big);
  return write(rng, k, 'huge-field', obj);
}

function hugeConfigMap(rng: Prng): FuzzRequest {
  // ConfigMap data is capped at 1 MiB in total.
  const k = KINDS.find((x) => x.kind === 'ConfigMap')!;
  const obj = k.make(fresh());
  obj.data = { a: 'x'.repeat(700 * 1024), b: 'y'.repeat(400 * 1024 + rng.int(1000)) };
  return write(rng, k, 'huge-configmap', obj);
}

// ---- wrong types and unknown fields ----
function wrongType(rng: Prng): FuzzRequest {
  const k = rng.pick(KINDS);
  const obj = k.make(fresh());
  const [path, value] = rng.chance(0.4) ? rng.pick(METADATA_WRONG_TYPES) : rng.pick(k.wrongTypes);
  setPath(obj, path, value);
  const asPatch = rng.chance(0.25);
  if (asPatch) {
    const patch: Record<string, any> = {};
    setPath(patch, path, value);
    if (path === 'kind' || path === 'apiVersion') patch[path] = value;
    const type = rng.pick(['application/merge-patch+json', 'application/strategic-merge-patch+json']);
    return { category: 'wrong-type', method: 'PATCH', path: itemPath(k), body: JSON.stringify(patch), contentType: type, expect: 'reject' };
  }
  return write(rng, k, 'wrong-type', obj, { query: rng.chance(0.3) ? `fieldValidation=${rng.pick(['Strict', 'Warn', 'Ignore'])}` : undefined });
}

function unknownField(rng: Prng): FuzzRequest {
  const k = rng.pick(KINDS);
  const obj = k.make(fresh());
  const at = rng.pick(k.unknownAt);
  const target = getPath(obj, at) ?? (setPath(obj, at, {}), getPath(obj, at));
  target[`fuzz${rng.str(1 + rng.int(8), 'abcdefghijklmnopqrstuvwxyzXYZ')}`] = rng.pick([1, 'x', {}, [], true]);
  if (rng.chance(0.2)) {
    // A patch that only adds an unknown field, under Strict.
    const patch: Record<string, any> = {};
    setPath(patch, at ? `${at}.fuzzUnknown` : 'fuzzUnknown', 1);
    if (at.includes('.0')) return write(rng, k, 'unknown-field', obj, { query: 'fieldValidation=Strict' });
    return { category: 'unknown-field', method: 'PATCH', path: `${itemPath(k)}?fieldValidation=Strict`, body: JSON.stringify(patch), contentType: 'application/merge-patch+json', expect: 'reject' };
  }
  if (rng.chance(0.1)) return write(rng, k, 'bad-field-validation', k.make(fresh()), { query: `fieldValidation=${rng.pick(['strict', 'Bogus', '1', 'STRICT'])}` });
  return write(rng, k, 'unknown-field', obj, { query: 'fieldValidation=Strict' });
}

// ---- selectors and list parameters ----
const BAD_LABEL_SELECTORS = [
  'a b', 'a in (', 'a in (x', '=x', '!', 'a in x', 'a notin', '(a)', ',', 'a=b,,c=d', `a=${'x'.repeat(64)}`,
  'Inv@lid=x', 'a>x', 'a<', 'a=b c', '!a=b', 'a in (b c)', 'x/y/z=1', '-a=b', 'a=-b', 'a=b=c', 'a!', '&&', '%', 'a=(b)',
  `${'k'.repeat(64)}=v`, 'a notin (', '==', '!=a',
];
const BAD_FIELD_SELECTORS = ['a', 'metadata.name in (a)', 'spec.bogus=x', '=x', '!metadata.name', 'status.phase', 'metadata.name>1', 'metadata.name!', 'bogus.field==x', 'metadata.name notin (a)'];

function badSelector(rng: Prng): FuzzRequest {
  const k = rng.pick(KINDS);
  const label = rng.chance(0.55);
  const random = rng.chance(0.3);
  const value = random ? rng.str(1 + rng.int(20), 'ab=!,() inotx.-_/&|<>"\'\\%') : rng.pick(label ? BAD_LABEL_SELECTORS : BAD_FIELD_SELECTORS);
  const q = new URLSearchParams({ [label ? 'labelSelector' : 'fieldSelector']: value });
  if (rng.chance(0.3)) { q.set('watch', 'true'); q.set('timeoutSeconds', '1'); }
  const path = k.kind === 'Namespace' || k.kind === 'Node' || rng.chance(0.5) ? k.collection : k.collection.replace(`/namespaces/${NS}`, '');
  return { category: random ? 'random-selector' : 'bad-selector', method: 'GET', path: `${path}?${q}`, expect: random ? 'safe' : 'reject' };
}

function badListParams(rng: Prng): FuzzRequest {
  const k = rng.pick(KINDS);
  const cases: [Record<string, string>, FuzzRequest['expect']][] = [
    [{ limit: 'abc' }, 'reject'], [{ limit: '1.5' }, 'reject'], [{ limit: '0x10' }, 'reject'], [{ limit: '9'.repeat(30) }, 'reject'],
    [{ limit: '1', continue: rng.str(1 + rng.int(40), 'abcdefghijklmnopqrstuvwxyz%$#!') }, 'reject'],
    [{ limit: '1', continue: rng.bytes(1 + rng.int(60)).toString('base64') }, 'reject'],
    [{ limit: '1', continue: Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: rng.pick([-1, 'x', 1e20]), start: rng.pick(['', '/../', 5]) })).toString('base64') }, 'reject'],
    [{ resourceVersion: 'abc' }, 'reject'], [{ resourceVersion: '1.5' }, 'reject'], [{ resourceVersion: '-3' }, 'reject'],
    [{ resourceVersion: '0', resourceVersionMatch: 'Bogus' }, 'reject'], [{ resourceVersionMatch: 'Exact' }, 'reject'],
    [{ resourceVersionMatch: 'NotOlderThan' }, 'reject'], [{ timeoutSeconds: 'abc' }, 'reject'],
    [{ watch: 'true', resourceVersion: 'abc', timeoutSeconds: '1' }, 'reject'], [{ watch: 'true', timeoutSeconds: 'soon' }, 'reject'],
    [{ limit: '-5' }, 'safe'], [{ watch: 'maybe', timeoutSeconds: '1' }, 'safe'], [{ allowWatchBookmarks: 'perhaps' }, 'safe'],
    [{ sendInitialEvents: 'true' }, 'safe'], [{ limit: String(rng.int(1e6)), continue: '' }, 'safe'],
  ];
  const [params, expect] = rng.pick(cases);
  return { category: 'bad-list-params', method: 'GET', path: `${k.collection}?${new URLSearchParams(params)}`, expect };
}

// ---- bad patches of each type ----
const JSON_PATCHES = [
  '{}', '"x"', '[1,2]', '[null]', '[{"op":"frob","path":"/metadata/labels"}]', '[{"op":"add"}]', '[{"op":"add","path":"metadata","value":1}]',
  '[{"op":"remove","path":"/metadata/nope/deeper"}]', '[{"op":"test","path":"/metadata/name","value":"other"}]',
  '[{"op":"replace","path":"/nope/x","value":1}]', '[{"op":"move","from":"/nope","path":"/metadata/a"}]',
  '[{"op":"copy","from":"/nope","path":"/metadata/a"}]', '[{"op":"replace","path":"/metadata/name","value":"other"}]',
  '[{"op":"replace","path":"/kind","value":"Bogus"}]', '[{"op":"replace","path":"/apiVersion","value":"v9"}]',
  '[{"op":"add","path":"/metadata/labels","value":{"a":5}}]', '[{"op":"remove","path":"/metadata"}]', '[{"op":"remove","path":""}]',
  '[{"op":"add","path":"/metadata/annotations","value":[1]}]',
  '[{"op":"replace","path":"/metadata/namespace","value":"other"}]', '[{"op":', '[{"op":"add","path":"/metadata/labels/-","value":"x"}]',
  '[{"op":"add","path":"/spec/containers/99","value":{}}]', '[{"op":"replace","path":"/data","value":[1]}]',
  '[{"op":"test","path":"/metadata/uid","value":"nope"},{"op":"add","path":"/metadata/labels","value":{"changed":"yes"}}]',
];
const MERGE_PATCHES = [
  '[1]', '"x"', '5', 'null', '{"metadata":{"name":"other"}}', '{"kind":"Bogus"}', '{"apiVersion":"v9"}', '{"metadata":"x"}',
  '{"metadata":{"labels":"x"}}', '{"metadata":{"labels":{"a":5}}}', '{"metadata":null}',
  '{"spec":{"containers":5}}', '{"data":[1]}', '{"data":{"a":1}}', '{"spec":"x"}', '{"metadata":{"labels":{"bad key!":"v"}}}',
  '{"metadata":{"labels":{"a":"bad value!"}}}', '{"metadata":{"uid":"changed"}}',
];
const STRATEGIC_PATCHES = [
  '{"$patch":"bogus"}', '{"metadata":{"$patch":"bogus"}}', '{"spec":{"containers":[{"image":"x"}]}}',
  '{"spec":{"containers":[{"name":"c","$patch":"bogus"}]}}', '{"spec":{"containers":"x"}}', '{"spec":{"$retainKeys":"x"}}',
  '{"metadata":{"labels":{"a":5}}}', '{"metadata":{"name":"other"}}', '[]', '"x"', '{"kind":"Bogus"}', '{"spec":{"ports":[{"$patch":"delete"}]}}',
  '{"$setElementOrder/spec":5}', '{"metadata":{"finalizers":[{"a":1}]}}', '{"data":5}',
];

function applyYaml(k: Kind): string[] {
  return [
    'a: [', '\tfoo: bar', '{"a":', '[]', '5', `apiVersion: v1\nkind: Bogus\nmetadata:\n  name: ${k.fixture}\n`,
    `metadata:\n  name: ${k.fixture}\n`, `apiVersion: ${k.apiVersion}\nkind: ${k.kind}\nmetadata:\n  name: other-name\n`,
    `apiVersion: ${k.apiVersion}\nkind: ${k.kind}\nmetadata:\n  name: ${k.fixture}\n  labels: [1]\n`,
    `apiVersion: ${k.apiVersion}\nkind: ${k.kind}\nmetadata:\n  name: ${k.fixture}\n  labels:\n    a: {b: 1}\n`,
    `apiVersion: ${k.apiVersion}\nkind: ${k.kind}\nmetadata:\n  name: ${k.fixture}\n  annotations: 7\n`,
    `apiVersion: nope/v9\nkind: ${k.kind}\nmetadata:\n  name: ${k.fixture}\n`, '---\na: 1\n---\nb: 2\n', '&a [*a]',
  ];
}

function badPatch(rng: Prng): FuzzRequest {
  const k = rng.pick(KINDS);
  const r = rng.int(5);
  if (r === 0) return { category: 'bad-json-patch', method: 'PATCH', path: itemPath(k), body: rng.pick(JSON_PATCHES), contentType: 'application/json-patch+json', expect: 'reject' };
  if (r === 1) {
    let body = rng.pick(MERGE_PATCHES);
    // {"data":{"a":1}} is only wrong where data holds strings; elsewhere data is an unknown field, dropped under Warn.
    if (body.startsWith('{"data"') && k.kind !== 'ConfigMap' && k.kind !== 'Secret') body = '{"metadata":"x"}';
    // The body's namespace must match the URL's; cluster-scoped objects have none and drop it.
    if (k.collection.includes('/namespaces/') && rng.chance(0.05)) body = '{"metadata":{"namespace":"other"}}';
    if (body.includes('containers') && k.kind !== 'Pod') body = '{"metadata":{"labels":"x"}}';
    if (body === '{"spec":"x"}' && !['Pod', 'Service', 'Deployment', 'Lease', 'Namespace', 'Node'].includes(k.kind)) body = '[1]';
    return { category: 'bad-merge-patch', method: 'PATCH', path: itemPath(k), body, contentType: 'application/merge-patch+json', expect: 'reject' };
  }
  if (r === 2) {
    let body = rng.pick(STRATEGIC_PATCHES);
    if ((body.includes('"spec"') && !['Pod', 'Service', 'Deployment'].includes(k.kind)) || (body.includes('"data"') && k.kind !== 'ConfigMap' && k.kind !== 'Secret')) body = '{"$patch":"bogus"}';
    if (body.includes('containers') && k.kind !== 'Pod') body = '{"metadata":{"labels":{"a":5}}}';
    if (body.includes('ports') && k.kind !== 'Service') body = '{"metadata":{"$patch":"bogus"}}';
    return { category: 'bad-strategic-patch', method: 'PATCH', path: itemPath(k), body, contentType: 'application/strategic-merge-patch+json', expect: 'reject' };
  }
  if (r === 3) {
    const noManager = rng.chance(0.15);
    const body = noManager ? `apiVersion: ${k.apiVersion}\nkind: ${k.kind}\nmetadata:\n  name: ${k.fixture}\n` : rng.pick(applyYaml(k));
    const q = noManager ? '' : `?fieldManager=fuzz${rng.chance(0.3) ? '&fieldValidation=Strict' : ''}`;
    return { category: 'bad-apply-patch', method: 'PATCH', path: itemPath(k) + q, body, contentType: 'application/apply-patch+yaml', expect: 'reject' };
  }
  // A patch in a media type that is no patch type.
  return {
    category: 'bad-patch-type', method: 'PATCH', path: itemPath(k), body: '{"metadata":{"labels":{"z":"1"}}}',
    contentType: rng.pick(['application/json', 'application/xml', 'text/plain', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'application/merge-patch+xml', 'bogus']), expect: 'reject',
  };
}

// ---- wrong apiVersion/kind and bad names ----
function wrongKind(rng: Prng): FuzzRequest {
  const k = rng.pick(KINDS);
  const obj = k.make(fresh());
  const r = rng.int(3);
  if (r === 0) obj.kind = rng.pick([...KINDS.filter((x) => x.kind !== k.kind).map((x) => x.kind), `${k.kind}s`, k.kind.toLowerCase(), 'Status', 'List', 'Bogus']);
  else if (r === 1) obj.apiVersion = rng.pick(['v2', 'apps/v1', 'v1', 'foo/bar', 'v1/v1', 'coordination.k8s.io/v1beta9', '/v1', 'apps/'].filter((v) => v !== k.apiVersion));
  else { obj.apiVersion = rng.pick([5, {}, ['v1'], true]); }
  return write(rng, k, 'wrong-kind', obj);
}

const BAD_NAMES = ['UPPER', 'a_b', '-a', 'a-', 'a'.repeat(254), '..', '.', 'a/b', 'a%b', ' ', 'ü', 'a..b', 'a b', 'a\nb', '*', 'a;b', '\u0000'];

function badName(rng: Prng): FuzzRequest {
  const k = rng.pick(KINDS);
  const r = rng.int(5);
  if (r <= 1) {
    const obj = k.make(rng.pick([...BAD_NAMES, ...(k.kind === 'Namespace' || k.kind === 'Service' ? ['a.b', '1abc'] : [])]));
    if (obj.metadata.name === '1abc' && k.kind === 'Namespace') obj.metadata.name = 'a.b';
    return { category: 'bad-name', method: 'POST', path: k.collection, body: JSON.stringify(obj), contentType: JSON_CT, expect: 'reject' };
  }
  if (r === 2) {
    // generateName that cannot make a valid name, or neither name nor generateName.
    const obj = k.make('x');
    delete obj.metadata.name;
    if (rng.chance(0.7)) obj.metadata.generateName = rng.pick(['Bad_', 'UP-', 'a'.repeat(300), '-', '..']);
    return { category: 'bad-name', method: 'POST', path: k.collection, body: JSON.stringify(obj), contentType: JSON_CT, expect: 'reject' };
  }
  if (r === 3 && k.collection.includes('/namespaces/')) {
    // The body names another namespace than the URL, or the URL's namespace does not exist.
    const obj = k.make(fresh());
    if (rng.chance(0.5)) {
      obj.metadata.namespace = rng.pick(['default', 'other', 'Bad_NS']);
      return { category: 'namespace-mismatch', method: 'POST', path: k.collection, body: JSON.stringify(obj), contentType: JSON_CT, expect: 'reject' };
    }
    return { category: 'missing-namespace', method: 'POST', path: k.collection.replace(`/namespaces/${NS}/`, `/namespaces/${rng.pick(['nope', 'Bad_NS', 'a'.repeat(70)])}/`), body: JSON.stringify(obj), contentType: JSON_CT, expect: 'reject' };
  }
  // Item URLs for objects that do not exist, or whose body names another object.
  const name = rng.pick(['nope', 'Bad_Name', 'a%2Fb', '..', '%00', 'a'.repeat(300)]);
  const method = rng.pick(['GET', 'PUT', 'DELETE', 'PATCH']);
  if (method === 'PUT') {
    const obj = k.make(rng.chance(0.5) ? 'other-name' : 'nope');
    return { category: 'bad-item', method, path: itemPath(k, rng.chance(0.5) ? k.fixture : name), body: JSON.stringify(obj), contentType: JSON_CT, expect: 'reject' };
  }
  if (method === 'PATCH') return { category: 'bad-item', method, path: itemPath(k, name), body: '{"metadata":{"labels":{"a":"b"}}}', contentType: 'application/merge-patch+json', expect: 'reject' };
  return { category: 'bad-item', method, path: itemPath(k, name), expect: 'reject' };
}

// ---- protobuf ----
function badProtobuf(rng: Prng): FuzzRequest {
  const pods = KINDS[0]!;
  const target = rng.chance(0.7) ? pods : rng.pick(KINDS);
  const valid = encodePodProtobuf({
    metadata: { name: 'Bad_Name_', labels: { app: 'fz' } },
    spec: { containers: [{ name: 'c', image: 'busybox', livenessProbe: { handler: { httpGet: { path: '/', port: { type: 0, intVal: 80 } } } } }] },
  });
  let body: Buffer;
  const r = rng.int(8);
  if (r === 0) body = rng.bytes(rng.int(300));
  else if (r === 1) body = Buffer.concat([PROTOBUF_MAGIC, rng.bytes(rng.int(300))]);
  else if (r === 2) {
    const env = podProtoRoot.lookupType('k8s.io.api.core.v1.Unknown');
    body = Buffer.concat([PROTOBUF_MAGIC, Buffer.from(env.encode({ typeMeta: { apiVersion: 'v1', kind: rng.pick(['Pod', 'ConfigMap', 'Bogus', '']) }, raw: rng.bytes(rng.int(200)) }).finish())]);
  } else if (r === 3) body = valid.subarray(0, 4 + rng.int(valid.length - 5));
  else if (r === 4) {
    // One flipped bit: the name stays invalid whatever the bit does to it.
    body = Buffer.from(valid);
    const i = 4 + rng.int(body.length - 4);
    body[i] = body[i]! ^ (1 << rng.int(8));
  } else if (r === 5) body = valid; // a Pod (with an invalid name) to whichever collection
  else if (r === 6) {
    // A message field sent as a varint, a string where a message belongs.
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 0).uint32(rng.int(1000));
    w.uint32((2 << 3) | 2).string(rng.str(rng.int(20), 'abc\u0000\u00ff'));
    const env = podProtoRoot.lookupType('k8s.io.api.core.v1.Unknown');
    body = Buffer.concat([PROTOBUF_MAGIC, Buffer.from(env.encode({ typeMeta: { apiVersion: target.apiVersion, kind: target.kind }, raw: w.finish() }).finish())]);
  } else body = Buffer.alloc(0);
  return { category: 'bad-protobuf', method: 'POST', path: target.collection, body, contentType: 'application/vnd.kubernetes.protobuf', expect: 'reject' };
}

// ---- content types ----
function badContentType(rng: Prng): FuzzRequest {
  const k = rng.pick(KINDS);
  const body = JSON.stringify(k.make(fresh()));
  const contentType = rng.pick([
    'application/xml', 'text/html', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/cbor',
    'image/png', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json',
    'garbage', ';;;', 'application/', '/json', 'application/vnd.kubernetes.protobuf;stream=watch', 'application/json-seq',
  ]);
  // A protobuf stream type still has a JSON body: undecodable either way.
  return { category: 'bad-content-type', method: 'POST', path: k.collection, body, contentType, expect: 'reject' };
}

// ---- routes, methods, delete options, subresources ----
function badRoute(rng: Prng): FuzzRequest {
  const k = rng.pick(KINDS);
  const cases: FuzzRequest[] = [
    { category: 'bad-route', method: 'GET', path: `/api/v1/namespaces/${NS}/bogus`, expect: 'reject' },
    { category: 'bad-route', method: 'POST', path: `/apis/nogroup/v1/things`, body: '{}', contentType: JSON_CT, expect: 'reject' },
    { category: 'bad-route', method: 'GET', path: `/apis/apps/v9/deployments`, expect: 'reject' },
    { category: 'bad-route', method: 'PUT', path: k.collection, body: JSON.stringify(k.make(fresh())), contentType: JSON_CT, expect: 'reject' },
    { category: 'bad-route', method: 'POST', path: itemPath(k), body: JSON.stringify(k.make(fresh())), contentType: JSON_CT, expect: 'reject' },
    { category: 'bad-route', method: 'PATCH', path: k.collection, body: '{}', contentType: 'application/merge-patch+json', expect: 'reject' },
    { category: 'bad-route', method: 'GET', path: `${itemPath(k)}/bogus`, expect: 'reject' },
    { category: 'bad-route', method: 'POST', path: `${itemPath(k)}/bogus`, body: '{}', contentType: JSON_CT, expect: 'reject' },
    { category: 'bad-route', method: 'DELETE', path: `/api/v1`, expect: 'reject' },
    { category: 'bad-route', method: 'GET', path: `/api/v1/namespaces/${NS}/pods/p/log/extra/parts`, expect: 'reject' },
    { category: 'bad-route', method: 'PUT', path: `/api/v1/namespaces/${NS}/pods/p/binding`, body: '{}', contentType: JSON_CT, expect: 'reject' },
  ];
  return rng.pick(cases);
}

function badDelete(rng: Prng): FuzzRequest {
  const k = rng.pick(KINDS.filter((x) => x.kind !== 'Namespace'));
  const bodies = [
    '{"gracePeriodSeconds":"x"}', '{"propagationPolicy":"Bogus"}', '{"preconditions":{"uid":"not-the-uid"}}',
    '{"preconditions":{"resourceVersion":"1"}}', '[1]', '{', '{"dryRun":["Bogus"]}', '{"gracePeriodSeconds":-5,"preconditions":{"uid":"x"}}',
    '{"orphanDependents":"yes"}', '{"propagationPolicy":5}', '{"kind":"DeleteOptions","apiVersion":"v9","preconditions":{"uid":"x"}}',
  ];
  if (rng.chance(0.3)) {
    const q = rng.pick(['dryRun=Bogus', 'gracePeriodSeconds=abc', 'propagationPolicy=Bogus', 'gracePeriodSeconds=1.5']);
    return { category: 'bad-delete', method: 'DELETE', path: `${itemPath(k)}?${q}`, expect: 'reject' };
  }
  return { category: 'bad-delete', method: 'DELETE', path: itemPath(k), body: rng.pick(bodies), contentType: JSON_CT, expect: 'reject' };
}

function badSubresource(rng: Prng): FuzzRequest {
  const cases: FuzzRequest[] = [
    { category: 'bad-subresource', method: 'PUT', path: `/api/v1/namespaces/${NS}/pods/p/status`, body: '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"status":{"phase":5}}', contentType: JSON_CT, expect: 'reject' },
    { category: 'bad-subresource', method: 'PUT', path: `/api/v1/namespaces/${NS}/pods/p/status`, body: '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"other"},"status":{}}', contentType: JSON_CT, expect: 'reject' },
    { category: 'bad-subresource', method: 'PATCH', path: `/api/v1/namespaces/${NS}/pods/p/status`, body: '{"status":{"conditions":"x"}}', contentType: 'application/merge-patch+json', expect: 'reject' },
    { category: 'bad-subresource', method: 'POST', path: `/api/v1/namespaces/${NS}/pods/p/binding`, body: '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"p"},"target":{}}', contentType: JSON_CT, expect: 'reject' },
    { category: 'bad-subresource', method: 'POST', path: `/api/v1/namespaces/${NS}/pods/p/binding`, body: '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"p"},"target":"n1"}', contentType: JSON_CT, expect: 'reject' },
    { category: 'bad-subresource', method: 'POST', path: `/api/v1/namespaces/${NS}/pods/p/binding`, body: '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"other"},"target":{"name":"n1"}}', contentType: JSON_CT, expect: 'reject' },
    { category: 'bad-subresource', method: 'POST', path: `/api/v1/namespaces/${NS}/pods/nope/binding`, body: '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"nope"},"target":{"name":"n1"}}', contentType: JSON_CT, expect: 'reject' },
    { category: 'bad-subresource', method: 'PUT', path: `/apis/apps/v1/namespaces/${NS}/deployments/d/scale`, body: '{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"d"},"spec":{"replicas":-1}}', contentType: JSON_CT, expect: 'reject' },
    { category: 'bad-subresource', method: 'PUT', path: `/apis/apps/v1/namespaces/${NS}/deployments/d/scale`, body: '{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"d"},"spec":{"replicas":"x"}}', contentType: JSON_CT, expect: 'reject' },
    { category: 'bad-subresource', method: 'PATCH', path: `/apis/apps/v1/namespaces/${NS}/deployments/d/scale`, body: '{"spec":{"replicas":-3}}', contentType: 'application/merge-patch+json', expect: 'reject' },
    { category: 'bad-subresource', method: 'PUT', path: `/api/v1/nodes/n1/status`, body: '{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"},"status":{"capacity":{"cpu":"lots"}}}', contentType: JSON_CT, expect: 'reject' },
  ];
  return rng.pick(cases);
}

/** Generators with their weights (how often each is drawn). */
const GENERATORS: [number, (rng: Prng) => FuzzRequest][] = [
  [12, badJson], [4, deepNesting], [2, hugeString], [0.3, hugeConfigMap], [14, wrongType], [8, unknownField], [10, badSelector],
  [8, badListParams], [14, badPatch], [6, wrongKind], [8, badName], [6, badProtobuf], [5, badContentType], [4, badRoute],
  [4, badDelete], [4, badSubresource],
];
const TOTAL_WEIGHT = GENERATORS.reduce((s, [w]) => s + w, 0);

export function generate(rng: Prng): FuzzRequest {
  let x = rng.next() * TOTAL_WEIGHT;
  for (const [w, g] of GENERATORS) {
    x -= w;
    if (x < 0) return g(rng);
  }
  return GENERATORS[0]![1](rng);
}

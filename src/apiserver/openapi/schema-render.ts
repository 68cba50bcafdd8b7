// TypeBox schemas to OpenAPI 3.0 `components.schemas`. Every named type (`$id`) becomes one
// component and a `$ref` where it is used; our own keys (`x-pb*`, `x-k8ts-*`), TypeBox's internals
// and JSON Schema forms OpenAPI 3.0 lacks (patternProperties, const) are rewritten or dropped;
// Kubernetes' `x-kubernetes-*` extensions and descriptions are kept, since kubectl reads them.
import type { TSchema } from '@sinclair/typebox';

export type OpenApiSchema = Record<string, unknown>;

export const REF_PREFIX = '#/components/schemas/';

/** Keys copied as they are (after the structural ones are handled). */
const PASS_THROUGH = new Set([
  'type', 'format', 'description', 'enum', 'default', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties',
  'nullable', 'readOnly', 'title', 'example',
]);

/** Short descriptions for the fields every kind has, used when the type declares none (kubectl explain shows them). */
const STANDARD_FIELDS: Record<string, string> = {
  apiVersion: 'APIVersion defines the versioned schema of this representation of an object. Servers convert recognized schemas to the latest internal value.',
  kind: 'Kind is a string value representing the REST resource this object represents. In CamelCase; cannot be updated.',
  metadata: "Standard object's metadata.",
  spec: 'Specification of the desired behavior of the object.',
  status: 'Most recently observed status of the object. Read-only; populated by the system.',
  items: 'List of objects.',
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Collects the components of one OpenAPI document. */
export class SchemaCollector {
  readonly components: Record<string, OpenApiSchema> = {};
  private readonly known = new Map<string, TSchema>();
  private readonly inProgress = new Set<string>();

  /** Makes named types reachable from these schemas resolvable by `$ref` id (TypeBox `Type.Ref`). */
  index(...schemas: TSchema[]): void {
    const seen = new Set<unknown>();
    const walk = (s: unknown): void => {
      if (!isObject(s) || seen.has(s)) return;
      seen.add(s);
      if (typeof s.$id === 'string' && !this.known.has(s.$id)) this.known.set(s.$id, s as TSchema);
      for (const v of Object.values(s)) {
        if (Array.isArray(v)) v.forEach(walk);
        else walk(v);
      }
    };
    // The schemas named here win over same-id copies met deeper down (which may carry use-site descriptions).
    for (const s of schemas) if (typeof s.$id === 'string' && !this.known.has(s.$id)) this.known.set(s.$id, s);
    schemas.forEach(walk);
  }

  /** Registers a named schema as a component (its body rendered once) and returns its id. */
  define(schema: TSchema, id = schema.$id as string | undefined): string {
    if (!id) throw new Error('SchemaCollector.define: schema has no $id');
    if (!this.known.has(id)) this.known.set(id, schema);
    if (!(id in this.components) && !this.inProgress.has(id)) {
      this.inProgress.add(id);
      const rendered = this.body(schema);
      this.inProgress.delete(id);
      this.components[id] = rendered;
    }
    return id;
  }

  /** Adds extension keys to a component (e.g. x-kubernetes-group-version-kind on a kind). */
  annotate(id: string, extra: OpenApiSchema): void {
    const c = this.components[id];
    if (c) Object.assign(c, extra);
  }

  /** The schema for a use site: a `$ref` for named types, the rendered body otherwise. */
  use(schema: TSchema): OpenApiSchema {
    if (typeof schema.$id === 'string') {
      const id = this.define(schema);
      const componentDescription = this.known.get(id)?.description;
      // A description given at the use site (different from the type's own) is kept beside the ref.
      if (typeof schema.description === 'string' && schema.description && schema.description !== componentDescription) {
        return { allOf: [{ $ref: REF_PREFIX + id }], description: schema.description };
      }
      return { $ref: REF_PREFIX + id };
    }
    return this.body(schema);
  }

  private refById(id: string): OpenApiSchema {
    const target = this.known.get(id);
    if (!target) return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    this.define(target, id);
    return { $ref: REF_PREFIX + id };
  }

  /** The rendered body of a schema (never a `$ref` to itself). */
  body(schema: TSchema): OpenApiSchema {
    const s = schema as Record<string, unknown>;
    const override = s['x-k8ts-openapi'];
    if (isObject(override)) {
      const out: OpenApiSchema = { ...override };
      if (typeof s.description === 'string' && s.description) out.description = s.description;
      return out;
    }
    if (typeof s.$ref === 'string') return this.refById(s.$ref.replace(/^#\/components\/schemas\//, ''));

    const out: OpenApiSchema = {};
    for (const key of Object.keys(s)) {
      const v = s[key];
      if (PASS_THROUGH.has(key) || key.startsWith('x-kubernetes-')) {
        if (key === 'description' && v === '') continue;
        out[key] = v;
      }
    }
    if (s.type === 'null') delete out.type;
    if ('const' in s) out.enum = [s.const];

    if (isObject(s.properties)) {
      const props: Record<string, OpenApiSchema> = {};
      for (const [name, p] of Object.entries(s.properties)) props[name] = this.use(p as TSchema);
      out.properties = props;
      if (!out.type) out.type = 'object';
    }
    if (Array.isArray(s.required) && s.required.length) out.required = [...s.required];
    if (isObject(s.items)) out.items = this.use(s.items as TSchema);
    else if (Array.isArray(s.items) && s.items.length) out.items = this.use(s.items[0] as TSchema);

    if (isObject(s.patternProperties)) {
      const first = Object.values(s.patternProperties)[0];
      if (isObject(first)) out.additionalProperties = this.use(first as TSchema);
    } else if (isObject(s.additionalProperties)) {
      out.additionalProperties = this.use(s.additionalProperties as TSchema);
    } else if (s.additionalProperties === true) {
      out.additionalProperties = true;
    }

    for (const combinator of ['anyOf', 'oneOf', 'allOf'] as const) {
      const list = s[combinator];
      if (!Array.isArray(list) || !list.length) continue;
      const members = list as Record<string, unknown>[];
      const nonNull = members.filter((m) => m.type !== 'null');
      if (nonNull.length < members.length) out.nullable = true;
      // A union of string literals is an enum, as Kubernetes writes its enumerated fields.
      if (combinator !== 'allOf' && nonNull.length && nonNull.every((m) => 'const' in m)) {
        out.enum = nonNull.map((m) => m.const);
        const types = new Set(nonNull.map((m) => m.type ?? typeof m.const));
        if (types.size === 1) out.type = [...types][0];
      } else if (nonNull.length === 1) {
        const only = this.use(nonNull[0] as TSchema);
        if (typeof only.$ref === 'string') out.allOf = [only];
        else for (const [k, v] of Object.entries(only)) if (!(k in out)) out[k] = v;
      } else {
        out[combinator] = nonNull.map((m) => this.use(m as TSchema));
      }
    }
    return out;
  }

  /** Fills in property descriptions the types left empty, from a table (definition name -> property -> text). */
  describeFields(table: Record<string, Record<string, string>>): void {
    for (const [id, fields] of Object.entries(table)) {
      const props = this.components[id]?.properties;
      if (!isObject(props)) continue;
      for (const [name, text] of Object.entries(fields)) {
        const p = props[name];
        if (!isObject(p) || p.description) continue;
        if (typeof p.$ref === 'string') props[name] = { allOf: [{ $ref: p.$ref }], description: text };
        else p.description = text;
      }
    }
  }

  /** Fills in descriptions of the standard top-level fields of a kind when its type has none. */
  describeStandardFields(id: string): void {
    const props = this.components[id]?.properties;
    if (!isObject(props)) return;
    for (const [name, text] of Object.entries(STANDARD_FIELDS)) {
      const p = props[name];
      if (!isObject(p) || p.description) continue;
      if (typeof p.$ref === 'string') props[name] = { allOf: [{ $ref: p.$ref }], description: text };
      else p.description = text;
    }
  }
}

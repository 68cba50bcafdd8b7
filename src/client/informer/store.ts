// The informer's local cache: objects by "namespace/name" key plus secondary indexes kept in step
// on every write (client-go's threadSafeStore + Indexer). Node runs one thread, so "thread-safe"
// here means every write updates the items and all indexes together before anything else runs.
import type { KubeObject } from '../../api/resource.js';
import { matches as matchesLabels, type Selector as LabelSelector } from '../../machinery/labels/selector.js';
import { matchesFields, type FieldSelector } from '../../machinery/fields/selector.js';

/** The values an object is filed under in one index (none = not in that index). */
export type IndexFunc<T> = (obj: T) => string[];

export const NAMESPACE_INDEX = 'namespace';

/** client-go MetaNamespaceKeyFunc: "ns/name", or "name" for cluster-scoped objects. */
export function objectKey(obj: KubeObject): string {
  const { namespace, name } = obj.metadata;
  return namespace ? `${namespace}/${name ?? ''}` : name ?? '';
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export const namespaceIndex: IndexFunc<KubeObject> = (obj) => (obj.metadata.namespace ? [obj.metadata.namespace] : []);

/** Files objects under the string value at a dotted path, e.g. fieldIndex("spec.nodeName"). */
export function fieldIndex<T extends KubeObject>(path: string): IndexFunc<T> {
  const parts = path.split('.');
  return (obj) => {
    let v: unknown = obj;
    for (const p of parts) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
    return typeof v === 'string' && v !== '' ? [v] : typeof v === 'number' || typeof v === 'boolean' ? [String(v)] : [];
  };
}

/** Files objects under the value of one label. */
export function labelIndex<T extends KubeObject>(label: string): IndexFunc<T> {
  return (obj) => {
    const v = obj.metadata.labels?.[label];
    return v === undefined ? [] : [v];
  };
}

export class Indexer<T extends KubeObject = KubeObject> {
  private items = new Map<string, T>();
  private indexers = new Map<string, IndexFunc<T>>();
  /** index name -> value -> keys */
  private indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.addIndexers({ [NAMESPACE_INDEX]: namespaceIndex as IndexFunc<T>, ...indexers });
  }

  /** Adds indexes (existing objects are filed at once); a name already taken is an error. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.indexers.has(name)) {
        if (this.indexers.get(name) === fn) continue;
        throw new Error(`indexer "${name}" already exists`);
      }
      this.indexers.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.indices.set(name, index);
      for (const [key, obj] of this.items) file(index, fn(obj), key);
    }
  }

  /** Inserts or replaces; returns the previous object. */
  set(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      if (old) unfile(index, fn(old), key);
      file(index, fn(obj), key);
    }
    return old;
  }

  /** Removes by key; returns the removed object. */
  deleteKey(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.items.delete(key);
    for (const [name, fn] of this.indexers) unfile(this.indices.get(name)!, fn(old), key);
    return old;
  }

  getByKey(key: string): T | undefined {
    return this.items.get(key);
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  /** Objects filed under `value` in index `name` (throws for an unknown index). */
  byIndex(name: string, value: string): T[] {
    return this.indexKeys(name, value).map((k) => this.items.get(k)!);
  }

  indexKeys(name: string, value: string): string[] {
    const index = this.indices.get(name);
    if (!index) throw new Error(`index "${name}" does not exist`);
    return [...(index.get(value) ?? [])];
  }

  /** The values present in index `name`. */
  indexValues(name: string): string[] {
    const index = this.indices.get(name);
    if (!index) throw new Error(`index "${name}" does not exist`);
    return [...index.keys()];
  }

  /** Objects (optionally in one namespace) matching a label selector, as listers do. */
  select(selector: LabelSelector, namespace?: string): T[] {
    const pool = namespace ? this.byIndex(NAMESPACE_INDEX, namespace) : this.list();
    return pool.filter((o) => matchesLabels(selector, o.metadata.labels));
  }

  /** Objects matching a field selector; `get` reads a field of an object (default: dotted path). */
  selectFields(selector: FieldSelector, get: (obj: T, field: string) => string | undefined = readPath): T[] {
    return this.list().filter((o) => matchesFields(selector, (f) => get(o, f)));
  }
}

function readPath(obj: KubeObject, path: string): string | undefined {
  let v: unknown = obj;
  for (const p of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v === undefined || v === null ? undefined : String(v);
}

function file(index: Map<string, Set<string>>, values: string[], key: string): void {
  for (const v of values) {
    let set = index.get(v);
    if (!set) index.set(v, (set = new Set()));
    set.add(key);
  }
}

function unfile(index: Map<string, Set<string>>, values: string[], key: string): void {
  for (const v of values) {
    const set = index.get(v);
    if (!set) continue;
    set.delete(key);
    if (set.size === 0) index.delete(v);
  }
}

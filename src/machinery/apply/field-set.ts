// A set of field paths, stored as the trie Kubernetes serializes into managedFields' fieldsV1:
// each node is keyed by a path element ("f:name" a field, "k:{...}" a list item by its keys,
// "v:<json>" a set item, "i:<n>" a list index) and a node is a *member* when the path itself is in
// the set ("." in fieldsV1 when the node also has children).

export type PathElement = string;
export type FieldPath = PathElement[];

export class FieldSet {
  member = false;
  readonly children = new Map<PathElement, FieldSet>();

  static fromPaths(paths: FieldPath[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Child node for `pe`, created when asked. Empty nodes are dropped by `compact`. */
  child(pe: PathElement): FieldSet {
    let c = this.children.get(pe);
    if (!c) {
      c = new FieldSet();
      this.children.set(pe, c);
    }
    return c;
  }

  insert(path: FieldPath): void {
    let n: FieldSet = this;
    for (const pe of path) n = n.child(pe);
    if (path.length) n.member = true;
  }

  /** The node at `path`, if any. */
  at(path: FieldPath): FieldSet | undefined {
    let n: FieldSet | undefined = this;
    for (const pe of path) {
      n = n.children.get(pe);
      if (!n) return undefined;
    }
    return n;
  }

  has(path: FieldPath): boolean {
    return path.length > 0 && !!this.at(path)?.member;
  }

  isEmpty(): boolean {
    if (this.member) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  /** Drops nodes that are neither members nor lead to one. Returns this. */
  compact(): this {
    for (const [pe, c] of this.children) {
      c.compact();
      if (c.isEmpty()) this.children.delete(pe);
    }
    return this;
  }

  clone(): FieldSet {
    const s = new FieldSet();
    s.member = this.member;
    for (const [pe, c] of this.children) s.children.set(pe, c.clone());
    return s;
  }

  union(o: FieldSet): FieldSet {
    const s = this.clone();
    mergeInto(s, o);
    return s;
  }

  /** Paths of this set that are not members of `o` (exact paths: a member of `o` does not remove descendants). */
  difference(o: FieldSet): FieldSet {
    const s = new FieldSet();
    s.member = this.member && !o.member;
    for (const [pe, c] of this.children) {
      const oc = o.children.get(pe);
      const d = oc ? c.difference(oc) : c.clone();
      if (!d.isEmpty()) s.children.set(pe, d);
    }
    return s;
  }

  /** Removes whole subtrees: every path at or below a member of `o`. */
  recursiveDifference(o: FieldSet): FieldSet {
    const s = new FieldSet();
    s.member = this.member && !o.member;
    if (o.member) return new FieldSet();
    for (const [pe, c] of this.children) {
      const oc = o.children.get(pe);
      const d = oc ? (oc.member ? new FieldSet() : c.recursiveDifference(oc)) : c.clone();
      if (!d.isEmpty()) s.children.set(pe, d);
    }
    return s;
  }

  intersection(o: FieldSet): FieldSet {
    const s = new FieldSet();
    s.member = this.member && o.member;
    for (const [pe, c] of this.children) {
      const oc = o.children.get(pe);
      if (!oc) continue;
      const i = c.intersection(oc);
      if (!i.isEmpty()) s.children.set(pe, i);
    }
    return s;
  }

  /** Member paths in sorted order. */
  paths(prefix: FieldPath = []): FieldPath[] {
    const out: FieldPath[] = [];
    if (this.member && prefix.length) out.push(prefix);
    for (const pe of sortedElements(this.children.keys())) out.push(...this.children.get(pe)!.paths([...prefix, pe]));
    return out;
  }

  /** The fieldsV1 JSON object: "." marks a member that has children; a bare member is {}. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const kids = sortedElements([...this.children.keys()].filter((pe) => !this.children.get(pe)!.isEmpty()));
    if (this.member && kids.length) out['.'] = {};
    for (const pe of kids) out[pe] = this.children.get(pe)!.toFieldsV1();
    return out;
  }

  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    fill(s, v, true);
    return s.compact();
  }
}

function fill(node: FieldSet, v: unknown, isRoot: boolean): void {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('fieldsV1: expected an object');
  const keys = Object.keys(v);
  if (!isRoot && keys.length === 0) node.member = true;
  for (const k of keys) {
    if (k === '.') {
      if (!isRoot) node.member = true;
      continue;
    }
    fill(node.child(canonicalElement(k)), (v as Record<string, unknown>)[k], false);
  }
}

function mergeInto(s: FieldSet, o: FieldSet): void {
  s.member = s.member || o.member;
  for (const [pe, oc] of o.children) mergeInto(s.child(pe), oc);
}

/** Re-serializes "k:" keys with sorted field names so equal keys compare equal as strings. */
function canonicalElement(pe: string): string {
  if (!pe.startsWith('k:')) return pe;
  try {
    return keyElement(JSON.parse(pe.slice(2)) as Record<string, unknown>);
  } catch {
    return pe;
  }
}

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

export function keyElement(keys: Record<string, unknown>): PathElement {
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(keys).sort()) sorted[k] = keys[k];
  return `k:${JSON.stringify(sorted)}`;
}

export function valueElement(v: unknown): PathElement {
  return `v:${JSON.stringify(v)}`;
}

export function indexElement(i: number): PathElement {
  return `i:${i}`;
}

const RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** The order of path elements in fieldsV1 (and in sorted paths): fields, keys, values, then indexes. */
export function compareElements(a: PathElement, b: PathElement): number {
  const ra = RANK[a[0]] ?? 9;
  const rb = RANK[b[0]] ?? 9;
  if (ra !== rb) return ra - rb;
  if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedElements(pes: Iterable<PathElement>): PathElement[] {
  return [...pes].sort(compareElements);
}

/** A path as Kubernetes prints it in conflicts: .spec.containers[name="main"].image */
export function formatPath(path: FieldPath): string {
  return path.map(formatElement).join('');
}

export function formatElement(pe: PathElement): string {
  const body = pe.slice(2);
  switch (pe[0]) {
    case 'f':
      return `.${body}`;
    case 'k': {
      const keys = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.keys(keys).map((k) => `${k}=${JSON.stringify(keys[k])}`).join(',')}]`;
    }
    case 'v':
      return `[=${body}]`;
    default:
      return `[${body}]`;
  }
}

// Resources grouped the way discovery and OpenAPI present them: by group, then by version with the
// preferred version first (Kubernetes' version priority: GA > beta > alpha, higher numbers first).
import type { ResourceDef } from '../../api/resource.js';

export interface GroupVersionResources {
  group: string;
  version: string;
  groupVersion: string; // "v1" for core, "apps/v1"
  resources: ResourceDef[];
}

export interface ApiGroup {
  name: string; // "" for core
  versions: GroupVersionResources[]; // preferred first
}

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/** Negative when a has priority over b (sorts first). */
export function compareKubeVersions(a: string, b: string): number {
  const ma = KUBE_VERSION.exec(a);
  const mb = KUBE_VERSION.exec(b);
  if (!ma || !mb) {
    if (ma) return -1;
    if (mb) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const stage = (m: RegExpExecArray) => (m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0);
  if (stage(ma) !== stage(mb)) return stage(mb) - stage(ma);
  if (ma[1] !== mb[1]) return Number(mb[1]) - Number(ma[1]);
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}

/** Groups in the order they first appear (core first when present); versions by priority. */
export function groupResources(resources: ResourceDef[]): ApiGroup[] {
  const groups = new Map<string, Map<string, ResourceDef[]>>();
  const ordered = [...resources].sort((a, b) => (a.group === '' ? 0 : 1) - (b.group === '' ? 0 : 1));
  for (const r of ordered) {
    let versions = groups.get(r.group);
    if (!versions) groups.set(r.group, (versions = new Map()));
    let list = versions.get(r.version);
    if (!list) versions.set(r.version, (list = []));
    list.push(r);
  }
  return [...groups].map(([name, versions]) => ({
    name,
    versions: [...versions.keys()].sort(compareKubeVersions).map((version) => ({
      group: name,
      version,
      groupVersion: name ? `${name}/${version}` : version,
      resources: versions.get(version)!,
    })),
  }));
}

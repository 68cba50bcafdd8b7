// KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1), the part k8ts honours: profiles
// with their schedulerName, plugins enabled/disabled per extension point (and multiPoint), score
// weights, pluginConfig args, percentageOfNodesToScore and the pod backoff bounds. Read from YAML.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_SCHEDULER_NAME } from '../types.js';

export interface PluginRef { name: string; weight?: number }
export interface PluginSet { enabled?: PluginRef[]; disabled?: { name: string }[] }
export const EXTENSION_POINTS = ['queueSort', 'preFilter', 'filter', 'postFilter', 'preScore', 'score', 'reserve', 'permit', 'preBind', 'bind', 'postBind'] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];
export type Plugins = Partial<Record<ExtensionPoint | 'multiPoint', PluginSet>>;

export interface ProfileConfig {
  schedulerName?: string;
  percentageOfNodesToScore?: number;
  plugins?: Plugins;
  pluginConfig?: { name: string; args?: Record<string, unknown> }[];
}

export interface SchedulerConfig {
  apiVersion?: string;
  kind?: string;
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  leaderElection?: { leaderElect?: boolean; resourceNamespace?: string; resourceName?: string; leaseDuration?: string; renewDeadline?: string; retryPeriod?: string };
  profiles?: ProfileConfig[];
}

/** The v1 default plugin set (multiPoint), with the default score weights. */
export const DEFAULT_PLUGINS: PluginRef[] = [
  { name: 'PrioritySort' },
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
  { name: 'DefaultBinder' },
];

export const API_VERSION = 'kubescheduler.config.k8s.io/v1';

export function loadConfig(pathOrConfig: string | SchedulerConfig | undefined): SchedulerConfig {
  if (pathOrConfig === undefined) return defaultConfig();
  const cfg = typeof pathOrConfig === 'string' ? parseConfig(readFileSync(pathOrConfig, 'utf8')) : pathOrConfig;
  return withDefaults(cfg);
}

export function parseConfig(text: string): SchedulerConfig {
  const doc = parse(text) as SchedulerConfig | null;
  if (!doc || typeof doc !== 'object') throw new Error('scheduler config: not a YAML mapping');
  if (doc.kind && doc.kind !== 'KubeSchedulerConfiguration') throw new Error(`scheduler config: kind must be KubeSchedulerConfiguration, got "${doc.kind}"`);
  if (doc.apiVersion && doc.apiVersion !== API_VERSION) throw new Error(`scheduler config: apiVersion must be ${API_VERSION}, got "${doc.apiVersion}"`);
  return withDefaults(doc);
}

export function defaultConfig(): SchedulerConfig {
  return withDefaults({});
}

function withDefaults(c: SchedulerConfig): SchedulerConfig {
  const profiles = c.profiles?.length ? c.profiles : [{}];
  const names = new Set<string>();
  for (const p of profiles) {
    p.schedulerName ||= DEFAULT_SCHEDULER_NAME;
    if (names.has(p.schedulerName)) throw new Error(`scheduler config: duplicate profile schedulerName "${p.schedulerName}"`);
    names.add(p.schedulerName);
    const pct = p.percentageOfNodesToScore;
    if (pct !== undefined && (pct < 0 || pct > 100)) throw new Error(`scheduler config: percentageOfNodesToScore must be in [0, 100], got ${pct}`);
  }
  return {
    apiVersion: API_VERSION, kind: 'KubeSchedulerConfiguration',
    ...c,
    podInitialBackoffSeconds: c.podInitialBackoffSeconds ?? 1,
    podMaxBackoffSeconds: c.podMaxBackoffSeconds ?? 10,
    profiles,
  };
}

function applySet(list: PluginRef[], set: PluginSet | undefined): PluginRef[] {
  if (!set) return list;
  let out = list;
  for (const d of set.disabled ?? []) out = d.name === '*' ? [] : out.filter((p) => p.name !== d.name);
  for (const e of set.enabled ?? []) {
    const prior = out.find((p) => p.name === e.name);
    out = out.filter((p) => p.name !== e.name);
    out.push({ name: e.name, weight: e.weight ?? prior?.weight });
  }
  return out;
}

/**
 * The plugins of each extension point for a profile: the defaults (as multiPoint) adjusted by the
 * profile's multiPoint set, then each point's own disabled/enabled. `implements(name, point)`
 * says whether a plugin has that extension point; multiPoint plugins land only where they do.
 */
export function resolvePlugins(profile: ProfileConfig, implementsPoint: (name: string, point: ExtensionPoint) => boolean): Record<ExtensionPoint, PluginRef[]> {
  const multi = applySet(DEFAULT_PLUGINS, profile.plugins?.multiPoint);
  const out = {} as Record<ExtensionPoint, PluginRef[]>;
  for (const point of EXTENSION_POINTS) {
    const base = multi.filter((p) => implementsPoint(p.name, point));
    out[point] = applySet(base, profile.plugins?.[point]).map((p) => ({ name: p.name, weight: point === 'score' ? p.weight ?? 1 : p.weight }));
  }
  return out;
}

export function pluginArgs(profile: ProfileConfig, name: string): Record<string, unknown> {
  return profile.pluginConfig?.find((c) => c.name === name)?.args ?? {};
}

// The Pod Security Standards as Kubernetes' pod-security-admission words them: each check looks at
// a pod's metadata and spec and either passes or names the reason and the offending fields. The
// baseline level holds the baseline checks; restricted adds its own and replaces three of them.
export type Level = 'privileged' | 'baseline' | 'restricted';

interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  procMount?: string;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
  seLinuxOptions?: { type?: string; user?: string; role?: string; level?: string };
  appArmorProfile?: { type?: string };
  windowsOptions?: { hostProcess?: boolean };
}
interface Container { name: string; securityContext?: SecurityContext; ports?: { hostPort?: number }[] }
export interface PodSpecView {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  hostUsers?: boolean;
  securityContext?: SecurityContext & { sysctls?: { name: string }[] };
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: ({ name: string } & Record<string, unknown>)[];
}
export interface PodMetaView { annotations?: Record<string, string> }

export interface Violation { reason: string; detail: string }
interface Check { id: string; level: Exclude<Level, 'privileged'>; overrides?: string[]; run(meta: PodMetaView, spec: PodSpecView): Violation | undefined }

const pluralize = (one: string, many: string, n: number) => (n === 1 ? one : many);
const joinQuote = (xs: string[]) => xs.map((x) => JSON.stringify(x)).join(', ');
const containersOf = (spec: PodSpecView) => [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
const containerWord = (names: string[]) => `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
const sortedSet = (xs: Iterable<string>) => [...new Set(xs)].sort();

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** A user-namespaced pod (hostUsers=false) is let off the root checks (KEP-127). */
const userNamespaced = (spec: PodSpecView) => spec.hostUsers === false;

const checks: Check[] = [
  {
    id: 'appArmorProfile', level: 'baseline',
    run(meta, spec) {
      const bad: string[] = [];
      for (const [k, v] of Object.entries(meta.annotations ?? {})) {
        if (k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !(v === '' || v === 'runtime/default' || v.startsWith('localhost/'))) bad.push(`${k}=${JSON.stringify(v)}`);
      }
      if (spec.securityContext?.appArmorProfile?.type === 'Unconfined') bad.push('spec.securityContext.appArmorProfile.type="Unconfined"');
      for (const c of containersOf(spec)) {
        if (c.securityContext?.appArmorProfile?.type === 'Unconfined') bad.push(`container ${JSON.stringify(c.name)} securityContext.appArmorProfile.type="Unconfined"`);
      }
      if (!bad.length) return undefined;
      bad.sort();
      return { reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', bad.length), detail: bad.join(', ') };
    },
  },
  {
    id: 'capabilities_baseline', level: 'baseline',
    run(_m, spec) {
      const bad: string[] = [];
      const caps: string[] = [];
      for (const c of containersOf(spec)) {
        const add = (c.securityContext?.capabilities?.add ?? []).filter((x) => !BASELINE_CAPABILITIES.has(x));
        if (add.length) { bad.push(c.name); caps.push(...add); }
      }
      if (!bad.length) return undefined;
      return { reason: 'non-default capabilities', detail: `${containerWord(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add` };
    },
  },
  {
    id: 'hostNamespaces', level: 'baseline',
    run(_m, spec) {
      const set = [spec.hostIPC && 'hostIPC=true', spec.hostNetwork && 'hostNetwork=true', spec.hostPID && 'hostPID=true'].filter(Boolean) as string[];
      return set.length ? { reason: 'host namespaces', detail: set.join(', ') } : undefined;
    },
  },
  {
    id: 'hostPathVolumes', level: 'baseline',
    run(_m, spec) {
      const bad = (spec.volumes ?? []).filter((v) => v.hostPath !== undefined && v.hostPath !== null).map((v) => v.name);
      return bad.length ? { reason: 'hostPath volumes', detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}` } : undefined;
    },
  },
  {
    id: 'hostPorts', level: 'baseline',
    run(_m, spec) {
      const bad: string[] = [];
      const ports: string[] = [];
      for (const c of containersOf(spec)) {
        const hp = (c.ports ?? []).map((p) => p.hostPort ?? 0).filter((p) => p !== 0);
        if (hp.length) { bad.push(c.name); ports.push(...hp.map(String)); }
      }
      if (!bad.length) return undefined;
      const list = sortedSet(ports);
      return { reason: 'hostPort', detail: `${containerWord(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}` };
    },
  },
  {
    id: 'privileged', level: 'baseline',
    run(_m, spec) {
      const bad = containersOf(spec).filter((c) => c.securityContext?.privileged === true).map((c) => c.name);
      return bad.length ? { reason: 'privileged', detail: `${containerWord(bad)} must not set securityContext.privileged=true` } : undefined;
    },
  },
  {
    id: 'procMount', level: 'baseline',
    run(_m, spec) {
      if (userNamespaced(spec)) return undefined;
      const bad: string[] = [];
      const values: string[] = [];
      for (const c of containersOf(spec)) {
        const pm = c.securityContext?.procMount;
        if (pm !== undefined && pm !== 'Default') { bad.push(c.name); values.push(pm); }
      }
      return bad.length ? { reason: 'procMount', detail: `${containerWord(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(values))}` } : undefined;
    },
  },
  {
    id: 'seLinuxOptions', level: 'baseline',
    run(_m, spec) {
      const setters: string[] = [];
      const badTypes: string[] = [];
      let user = false;
      let role = false;
      const valid = (o: NonNullable<SecurityContext['seLinuxOptions']>) => {
        let ok = true;
        if (!SELINUX_TYPES.has(o.type ?? '')) { ok = false; badTypes.push(o.type ?? ''); }
        if (o.user) { ok = false; user = true; }
        if (o.role) { ok = false; role = true; }
        return ok;
      };
      const podOpts = spec.securityContext?.seLinuxOptions;
      if (podOpts && !valid(podOpts)) setters.push('pod');
      const bad = containersOf(spec).filter((c) => c.securityContext?.seLinuxOptions && !valid(c.securityContext.seLinuxOptions)).map((c) => c.name);
      if (bad.length) setters.push(containerWord(bad));
      if (!setters.length) return undefined;
      const data: string[] = [];
      const types = sortedSet(badTypes);
      if (types.length) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
      if (user) data.push('user may not be set');
      if (role) data.push('role may not be set');
      return { reason: 'seLinuxOptions', detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}` };
    },
  },
  {
    id: 'seccompProfile_baseline', level: 'baseline',
    run(_m, spec) {
      const setters: string[] = [];
      if (spec.securityContext?.seccompProfile?.type === 'Unconfined') setters.push('pod');
      const bad = containersOf(spec).filter((c) => c.securityContext?.seccompProfile?.type === 'Unconfined').map((c) => c.name);
      if (bad.length) setters.push(containerWord(bad));
      return setters.length ? { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to "Unconfined"` } : undefined;
    },
  },
  {
    id: 'sysctls', level: 'baseline',
    run(_m, spec) {
      const bad = (spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((n) => !SAFE_SYSCTLS.has(n));
      return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
    },
  },
  {
    id: 'windowsHostProcess', level: 'baseline',
    run(_m, spec) {
      const podHP = spec.securityContext?.windowsOptions?.hostProcess === true;
      const bad = containersOf(spec).filter((c) => c.securityContext?.windowsOptions?.hostProcess === true).map((c) => c.name);
      if (!podHP && !bad.length) return undefined;
      const who = [podHP ? 'pod' : '', bad.length ? containerWord(bad) : ''].filter(Boolean).join(' and ');
      return { reason: 'hostProcess', detail: `${who} must not set securityContext.windowsOptions.hostProcess=true` };
    },
  },
  {
    id: 'allowPrivilegeEscalation', level: 'restricted',
    run(_m, spec) {
      const bad = containersOf(spec).filter((c) => c.securityContext?.allowPrivilegeEscalation !== false).map((c) => c.name);
      return bad.length ? { reason: 'allowPrivilegeEscalation != false', detail: `${containerWord(bad)} must set securityContext.allowPrivilegeEscalation=false` } : undefined;
    },
  },
  {
    id: 'capabilities_restricted', level: 'restricted', overrides: ['capabilities_baseline'],
    run(_m, spec) {
      const noDrop: string[] = [];
      const adding: string[] = [];
      const caps: string[] = [];
      for (const c of containersOf(spec)) {
        const cap = c.securityContext?.capabilities;
        if (!cap) { noDrop.push(c.name); continue; }
        if (!(cap.drop ?? []).includes('ALL')) noDrop.push(c.name);
        const extra = (cap.add ?? []).filter((x) => x !== 'NET_BIND_SERVICE');
        if (extra.length) { adding.push(c.name); caps.push(...extra); }
      }
      const details: string[] = [];
      if (noDrop.length) details.push(`${containerWord(noDrop)} must set securityContext.capabilities.drop=["ALL"]`);
      if (adding.length) details.push(`${containerWord(adding)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`);
      return details.length ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
    },
  },
  {
    id: 'restrictedVolumes', level: 'restricted', overrides: ['hostPathVolumes'],
    run(_m, spec) {
      const bad: string[] = [];
      const types: string[] = [];
      for (const v of spec.volumes ?? []) {
        const kinds = Object.keys(v).filter((k) => k !== 'name' && v[k] !== undefined && v[k] !== null);
        if (kinds.length && kinds.every((k) => RESTRICTED_VOLUME_TYPES.has(k))) continue;
        if (!kinds.length) continue; // an emptyDir by default
        bad.push(v.name);
        types.push(...kinds.filter((k) => !RESTRICTED_VOLUME_TYPES.has(k)));
      }
      if (!bad.length) return undefined;
      const list = sortedSet(types);
      return {
        reason: 'restricted volume types',
        detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', list.length)} ${joinQuote(list)}`,
      };
    },
  },
  {
    id: 'runAsNonRoot', level: 'restricted',
    run(_m, spec) {
      if (userNamespaced(spec)) return undefined;
      const setters: string[] = [];
      let podNonRoot = false;
      const podVal = spec.securityContext?.runAsNonRoot;
      if (podVal === false) setters.push('pod'); else if (podVal === true) podNonRoot = true;
      const explicit: string[] = [];
      const implicit: string[] = [];
      for (const c of containersOf(spec)) {
        const v = c.securityContext?.runAsNonRoot;
        if (v !== undefined && v !== null) { if (!v) explicit.push(c.name); } else if (!podNonRoot) implicit.push(c.name);
      }
      if (explicit.length) setters.push(containerWord(explicit));
      if (setters.length) return { reason: 'runAsNonRoot != true', detail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false` };
      if (implicit.length) return { reason: 'runAsNonRoot != true', detail: `pod or ${containerWord(implicit)} must set securityContext.runAsNonRoot=true` };
      return undefined;
    },
  },
  {
    id: 'runAsUser', level: 'restricted',
    run(_m, spec) {
      if (userNamespaced(spec)) return undefined;
      const setters: string[] = [];
      if (spec.securityContext?.runAsUser === 0) setters.push('pod');
      const bad = containersOf(spec).filter((c) => c.securityContext?.runAsUser === 0).map((c) => c.name);
      if (bad.length) setters.push(containerWord(bad));
      return setters.length ? { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0` } : undefined;
    },
  },
  {
    id: 'seccompProfile_restricted', level: 'restricted', overrides: ['seccompProfile_baseline'],
    run(_m, spec) {
      const valid = (t?: string) => t === 'RuntimeDefault' || t === 'Localhost';
      const setters: string[] = [];
      const badValues: string[] = [];
      let podSet = false;
      const podType = spec.securityContext?.seccompProfile;
      if (podType) { if (!valid(podType.type)) { setters.push('pod'); badValues.push(podType.type ?? ''); } else podSet = true; }
      const explicit: string[] = [];
      const implicit: string[] = [];
      for (const c of containersOf(spec)) {
        const p = c.securityContext?.seccompProfile;
        if (p) { if (!valid(p.type)) { explicit.push(c.name); badValues.push(p.type ?? ''); } } else if (!podSet) implicit.push(c.name);
      }
      if (explicit.length) setters.push(containerWord(explicit));
      if (setters.length) return { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}` };
      if (implicit.length) return { reason: 'seccompProfile', detail: `pod or ${containerWord(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
      return undefined;
    },
  },
];

/** The checks of a level: baseline's (by id), then restricted's (by id), minus those restricted replaces. */
export function checksFor(level: Level): Check[] {
  if (level === 'privileged') return [];
  const baseline = checks.filter((c) => c.level === 'baseline');
  if (level === 'baseline') return baseline;
  const restricted = checks.filter((c) => c.level === 'restricted');
  const replaced = new Set(restricted.flatMap((c) => c.overrides ?? []));
  return [...baseline.filter((c) => !replaced.has(c.id)), ...restricted];
}

/** Every violation of the level's checks, in Kubernetes' order. */
export function evaluatePod(level: Level, meta: PodMetaView, spec: PodSpecView): Violation[] {
  const out: Violation[] = [];
  for (const c of checksFor(level)) {
    const v = c.run(meta, spec);
    if (v) out.push(v);
  }
  return out;
}

/** `allowPrivilegeEscalation != false (container "c" must set ...), ...`. */
export function formatViolations(vs: Violation[]): string {
  return vs.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
}

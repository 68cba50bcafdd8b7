// Pod spec validation as kube-apiserver does it (pkg/apis/core/validation: ValidatePodSpec and the
// container, volume, probe and toleration rules users actually hit), with Kubernetes' field paths
// and messages. `path` is where the PodSpec sits ("spec" for pods, "spec.template.spec" for
// workloads).
import { fieldErrors as fe, type FieldError } from '../../../machinery/field-errors.js';
import {
  isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isEnvVarName, isValidPortName, isValidPortNum, isConfigMapKey, inclusiveRangeError,
} from '../../../machinery/validation/names.js';
import { validateLabels, validateLabelSelector } from '../../../machinery/labels/validation.js';
import { validateAnnotations } from '../../../machinery/validation/objectmeta.js';
import type { Container, EphemeralContainer, ResourceRequirements } from './container.js';
import type { Probe, LifecycleHandler } from './probe.js';
import type { PodSpec } from './pod-spec.js';
import type { Volume } from './volume.js';
import type { Toleration } from './common.js';
import { VOLUME_SOURCE_KEYS } from './volume.js';
import { parseQuantityValue, quantityString } from './quantity-value.js';

const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';
const MAX_INT32 = 2147483647;

type AnyContainer = Container | EphemeralContainer;

function nonNegative(v: number | undefined, path: string): FieldError[] {
  return v !== undefined && v < 0 ? [fe.invalid(path, v, 'must be greater than or equal to 0')] : [];
}

function dnsLabel(v: string, path: string): FieldError[] {
  return isDNS1123Label(v).map((m) => fe.invalid(path, v, m));
}
function dnsSubdomain(v: string, path: string): FieldError[] {
  return isDNS1123Subdomain(v).map((m) => fe.invalid(path, v, m));
}

function validateFileMode(mode: number | undefined, path: string): FieldError[] {
  return mode !== undefined && (mode < 0 || mode > 0o777) ? [fe.invalid(path, mode, FILE_MODE_ERROR)] : [];
}

function validateLocalPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(fe.invalid(path, p, 'must be a relative path'));
  if (p.split('/').includes('..')) errs.push(fe.invalid(path, p, "must not contain '..'"));
  return errs;
}

function validateKeyToPaths(items: { key?: string; path?: string; mode?: number }[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((it, i) => {
    const p = `${path}[${i}]`;
    if (!it.key) errs.push(fe.required(`${p}.key`, ''));
    if (!it.path) errs.push(fe.required(`${p}.path`, ''));
    else errs.push(...validateLocalPath(it.path, `${p}.path`));
    errs.push(...validateFileMode(it.mode, `${p}.mode`));
  });
  return errs;
}

function validateVolumeSource(v: Volume, path: string): FieldError[] {
  const rec = v as Record<string, unknown>;
  const set = VOLUME_SOURCE_KEYS.filter((k) => rec[k] !== undefined && rec[k] !== null);
  if (set.length === 0) return [fe.required(path, 'must specify a volume type')];
  const errs: FieldError[] = [];
  for (const extra of set.slice(1)) errs.push(fe.forbidden(`${path}.${extra}`, 'may not specify more than 1 volume type'));
  if (v.hostPath) {
    if (!v.hostPath.path) errs.push(fe.required(`${path}.hostPath.path`, ''));
    const types = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];
    if (v.hostPath.type !== undefined && !types.includes(v.hostPath.type)) errs.push(fe.notSupported(`${path}.hostPath.type`, v.hostPath.type, types));
  }
  if (v.emptyDir) {
    const medium = v.emptyDir.medium ?? '';
    if (!['', 'Memory'].includes(medium) && !medium.startsWith('HugePages')) errs.push(fe.notSupported(`${path}.emptyDir.medium`, medium, ['', 'Memory', 'HugePages']));
  }
  if (v.secret) {
    if (!v.secret.secretName) errs.push(fe.required(`${path}.secret.secretName`, ''));
    errs.push(...validateFileMode(v.secret.defaultMode, `${path}.secret.defaultMode`));
    errs.push(...validateKeyToPaths(v.secret.items, `${path}.secret.items`));
  }
  if (v.configMap) {
    if (!v.configMap.name) errs.push(fe.required(`${path}.configMap.name`, ''));
    errs.push(...validateFileMode(v.configMap.defaultMode, `${path}.configMap.defaultMode`));
    errs.push(...validateKeyToPaths(v.configMap.items, `${path}.configMap.items`));
  }
  if (v.nfs) {
    if (!v.nfs.server) errs.push(fe.required(`${path}.nfs.server`, ''));
    if (!v.nfs.path) errs.push(fe.required(`${path}.nfs.path`, ''));
    else if (!v.nfs.path.startsWith('/')) errs.push(fe.invalid(`${path}.nfs.path`, v.nfs.path, 'must be an absolute path'));
  }
  if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) errs.push(fe.required(`${path}.persistentVolumeClaim.claimName`, ''));
  if (v.downwardAPI) {
    errs.push(...validateFileMode(v.downwardAPI.defaultMode, `${path}.downwardAPI.defaultMode`));
    (v.downwardAPI.items ?? []).forEach((f, i) => {
      const p = `${path}.downwardAPI.items[${i}]`;
      if (!f.path) errs.push(fe.required(`${p}.path`, ''));
      else errs.push(...validateLocalPath(f.path, `${p}.path`));
      errs.push(...validateFileMode(f.mode, `${p}.mode`));
    });
  }
  if (v.projected) {
    const p = `${path}.projected`;
    errs.push(...validateFileMode(v.projected.defaultMode, `${p}.defaultMode`));
    (v.projected.sources ?? []).forEach((s, i) => {
      const sp = `${p}.sources[${i}]`;
      const kinds = Object.keys(s).filter((k) => (s as Record<string, unknown>)[k] !== undefined);
      if (kinds.length > 1) for (const k of kinds.slice(1)) errs.push(fe.forbidden(`${sp}.${k}`, 'may not specify more than 1 volume type per source'));
      if (s.secret) errs.push(...validateKeyToPaths(s.secret.items, `${sp}.secret.items`));
      if (s.configMap) errs.push(...validateKeyToPaths(s.configMap.items, `${sp}.configMap.items`));
      if (s.serviceAccountToken) {
        const t = s.serviceAccountToken;
        if (!t.path) errs.push(fe.required(`${sp}.serviceAccountToken.path`, ''));
        else errs.push(...validateLocalPath(t.path, `${sp}.serviceAccountToken.path`));
        if (t.expirationSeconds !== undefined && t.expirationSeconds < 600) errs.push(fe.invalid(`${sp}.serviceAccountToken.expirationSeconds`, t.expirationSeconds, 'may not specify a duration less than 10 minutes'));
        if (t.expirationSeconds !== undefined && t.expirationSeconds > 2 ** 32) errs.push(fe.invalid(`${sp}.serviceAccountToken.expirationSeconds`, t.expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
      }
    });
  }
  if (v.csi && !v.csi.driver) errs.push(fe.required(`${path}.csi.driver`, ''));
  if (v.ephemeral && !v.ephemeral.volumeClaimTemplate) errs.push(fe.required(`${path}.ephemeral.volumeClaimTemplate`, ''));
  return errs;
}

/** Volumes by name (for mount checks) plus their errors. */
export function validateVolumes(volumes: Volume[] | undefined, path: string): { errs: FieldError[]; byName: Map<string, Volume> } {
  const errs: FieldError[] = [];
  const byName = new Map<string, Volume>();
  (volumes ?? []).forEach((v, i) => {
    const p = `${path}[${i}]`;
    if (!v.name) errs.push(fe.required(`${p}.name`, ''));
    else {
      errs.push(...dnsLabel(v.name, `${p}.name`));
      if (byName.has(v.name)) errs.push(fe.duplicate(`${p}.name`, v.name));
    }
    errs.push(...validateVolumeSource(v, p));
    if (v.name && !byName.has(v.name)) byName.set(v.name, v);
  });
  return { errs, byName };
}

function validatePortNumOrName(port: number | string | undefined, path: string): FieldError[] {
  if (port === undefined) return [fe.required(path, '')];
  if (typeof port === 'number') return isValidPortNum(port).map((m) => fe.invalid(path, port, m));
  if (port === '') return [fe.required(path, '')];
  return isValidPortName(port).map((m) => fe.invalid(path, port, m));
}

function validateHandler(h: { exec?: { command?: string[] }; httpGet?: { port?: number | string; path?: string; scheme?: string }; tcpSocket?: { port?: number | string }; grpc?: { port?: number }; sleep?: { seconds?: number } }, path: string, allowed: string[]): FieldError[] {
  const errs: FieldError[] = [];
  const rec = h as Record<string, unknown>;
  const set = allowed.filter((k) => rec[k] !== undefined && rec[k] !== null);
  if (set.length === 0) return [fe.required(path, 'must specify a handler type')];
  for (const extra of set.slice(1)) errs.push(fe.forbidden(`${path}.${extra}`, 'may not specify more than 1 handler type'));
  if (h.exec && (h.exec.command ?? []).length === 0) errs.push(fe.required(`${path}.exec.command`, ''));
  if (h.httpGet) {
    if (!h.httpGet.path) errs.push(fe.required(`${path}.httpGet.path`, ''));
    errs.push(...validatePortNumOrName(h.httpGet.port, `${path}.httpGet.port`));
    if (h.httpGet.scheme !== undefined && !['HTTP', 'HTTPS'].includes(h.httpGet.scheme)) errs.push(fe.notSupported(`${path}.httpGet.scheme`, h.httpGet.scheme, ['HTTP', 'HTTPS']));
  }
  if (h.tcpSocket) errs.push(...validatePortNumOrName(h.tcpSocket.port, `${path}.tcpSocket.port`));
  if (h.grpc) errs.push(...(h.grpc.port === undefined ? [fe.required(`${path}.grpc.port`, '')] : isValidPortNum(h.grpc.port).map((m) => fe.invalid(`${path}.grpc.port`, h.grpc!.port, m))));
  if (h.sleep && (h.sleep.seconds ?? 0) <= 0) errs.push(fe.invalid(`${path}.sleep.seconds`, h.sleep.seconds ?? 0, 'must be greater than 0'));
  return errs;
}

function validateProbe(p: Probe | undefined, path: string): FieldError[] {
  if (!p) return [];
  const errs = validateHandler(p, path, ['exec', 'httpGet', 'tcpSocket', 'grpc']);
  errs.push(...nonNegative(p.initialDelaySeconds, `${path}.initialDelaySeconds`));
  errs.push(...nonNegative(p.timeoutSeconds, `${path}.timeoutSeconds`));
  errs.push(...nonNegative(p.periodSeconds, `${path}.periodSeconds`));
  errs.push(...nonNegative(p.successThreshold, `${path}.successThreshold`));
  errs.push(...nonNegative(p.failureThreshold, `${path}.failureThreshold`));
  if (p.terminationGracePeriodSeconds !== undefined && p.terminationGracePeriodSeconds <= 0) {
    errs.push(fe.invalid(`${path}.terminationGracePeriodSeconds`, p.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  return errs;
}

function validateLifecycleHandler(h: LifecycleHandler | undefined, path: string): FieldError[] {
  return h ? validateHandler(h, path, ['exec', 'httpGet', 'tcpSocket', 'sleep']) : [];
}

const STANDARD_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

function validateResources(r: ResourceRequirements | undefined, path: string): FieldError[] {
  if (!r) return [];
  const errs: FieldError[] = [];
  for (const [kind, map] of [['limits', r.limits], ['requests', r.requests]] as const) {
    for (const [name, q] of Object.entries(map ?? {})) {
      const p = `${path}.${kind}[${name}]`;
      if (!name.includes('/') && !STANDARD_RESOURCES.has(name) && !name.startsWith('hugepages-')) {
        errs.push(fe.invalid(p, name, 'must be a standard resource for containers'));
        continue;
      }
      errs.push(...isQualifiedName(name).map((m) => fe.invalid(p, name, m)));
      const v = parseQuantityValue(q);
      if (v === undefined) errs.push(fe.invalid(p, q, 'must be a valid resource quantity'));
      else if (v.sign() < 0) errs.push(fe.invalid(p, quantityString(q), 'must be greater than or equal to 0'));
    }
  }
  for (const [name, q] of Object.entries(r.requests ?? {})) {
    const limit = r.limits?.[name];
    if (limit === undefined) {
      if (name.includes('/') && !name.startsWith('kubernetes.io/') && parseQuantityValue(q) !== undefined) {
        errs.push(fe.required(`${path}.limits`, 'Limit must be set for non overcommitable resources'));
      }
      continue;
    }
    const rv = parseQuantityValue(q);
    const lv = parseQuantityValue(limit);
    if (rv !== undefined && lv !== undefined && rv.cmp(lv) > 0) {
      errs.push(fe.invalid(`${path}.requests[${name}]`, quantityString(q), `must be less than or equal to ${name} limit of ${quantityString(limit)}`));
    }
  }
  return errs;
}

function validateEnv(c: AnyContainer, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (c.env ?? []).forEach((e, i) => {
    const p = `${path}.env[${i}]`;
    if (!e.name) errs.push(fe.required(`${p}.name`, ''));
    else errs.push(...isEnvVarName(e.name).map((m) => fe.invalid(`${p}.name`, e.name, m)));
    const from = e.valueFrom;
    if (!from) return;
    const fp = `${p}.valueFrom`;
    const kinds = (['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'] as const).filter((k) => from[k] !== undefined);
    if (e.value) errs.push(fe.invalid(fp, '', 'may not be specified when `value` is not empty'));
    if (kinds.length === 0) errs.push(fe.invalid(fp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    if (kinds.length > 1) errs.push(fe.invalid(fp, '', 'may not have more than one field specified at a time'));
    if (from.fieldRef) {
      if (!from.fieldRef.fieldPath) errs.push(fe.required(`${fp}.fieldRef.fieldPath`, ''));
      if (!from.fieldRef.apiVersion) errs.push(fe.required(`${fp}.fieldRef.apiVersion`, ''));
    }
    if (from.resourceFieldRef && !from.resourceFieldRef.resource) errs.push(fe.required(`${fp}.resourceFieldRef.resource`, ''));
    for (const k of ['configMapKeyRef', 'secretKeyRef'] as const) {
      const ref = from[k];
      if (!ref) continue;
      if (!ref.name) errs.push(fe.required(`${fp}.${k}.name`, ''));
      if (!ref.key) errs.push(fe.required(`${fp}.${k}.key`, ''));
      else errs.push(...isConfigMapKey(ref.key).map((m) => fe.invalid(`${fp}.${k}.key`, ref.key, m)));
    }
  });
  (c.envFrom ?? []).forEach((ef, i) => {
    const p = `${path}.envFrom[${i}]`;
    const n = (ef.configMapRef ? 1 : 0) + (ef.secretRef ? 1 : 0);
    if (n === 0) errs.push(fe.invalid(p, '', 'must specify one of: `configMapRef` or `secretRef`'));
    if (n > 1) errs.push(fe.invalid(p, '', 'may not have more than one field specified at a time'));
    if (ef.configMapRef && !ef.configMapRef.name) errs.push(fe.required(`${p}.configMapRef.name`, ''));
    if (ef.secretRef && !ef.secretRef.name) errs.push(fe.required(`${p}.secretRef.name`, ''));
  });
  return errs;
}

function validateVolumeMounts(c: AnyContainer, volumes: Map<string, Volume>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const p = `${path}.volumeMounts[${i}]`;
    if (!m.name) errs.push(fe.required(`${p}.name`, ''));
    else if (!volumes.has(m.name)) errs.push(fe.notFound(`${p}.name`, m.name));
    if (!m.mountPath) errs.push(fe.required(`${p}.mountPath`, ''));
    else if (seen.has(m.mountPath)) errs.push(fe.invalid(`${p}.mountPath`, m.mountPath, 'must be unique'));
    if (m.mountPath) seen.add(m.mountPath);
    if (m.subPath) errs.push(...validateLocalPath(m.subPath, `${p}.subPath`));
    if (m.subPath && m.subPathExpr) errs.push(fe.invalid(`${p}.subPathExpr`, m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
    const props = ['None', 'HostToContainer', 'Bidirectional'];
    if (m.mountPropagation !== undefined && !props.includes(m.mountPropagation)) errs.push(fe.notSupported(`${p}.mountPropagation`, m.mountPropagation, props));
  });
  (c.volumeDevices ?? []).forEach((d, i) => {
    const p = `${path}.volumeDevices[${i}]`;
    if (!d.name) errs.push(fe.required(`${p}.name`, ''));
    else if (!volumes.has(d.name)) errs.push(fe.notFound(`${p}.name`, d.name));
    else if (!volumes.get(d.name)!.persistentVolumeClaim && !volumes.get(d.name)!.ephemeral) errs.push(fe.invalid(`${p}.name`, d.name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    if (!d.devicePath) errs.push(fe.required(`${p}.devicePath`, ''));
  });
  return errs;
}

function validatePorts(c: AnyContainer, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (c.ports ?? []).forEach((port, i) => {
    const p = `${path}.ports[${i}]`;
    if (port.name) {
      errs.push(...isValidPortName(port.name).map((m) => fe.invalid(`${p}.name`, port.name, m)));
      if (names.has(port.name)) errs.push(fe.duplicate(`${p}.name`, port.name));
      names.add(port.name);
    }
    if (!port.containerPort) errs.push(fe.required(`${p}.containerPort`, ''));
    else errs.push(...isValidPortNum(port.containerPort).map((m) => fe.invalid(`${p}.containerPort`, port.containerPort, m)));
    if (port.hostPort) errs.push(...isValidPortNum(port.hostPort).map((m) => fe.invalid(`${p}.hostPort`, port.hostPort, m)));
    if (!port.protocol) errs.push(fe.required(`${p}.protocol`, ''));
    else if (!['SCTP', 'TCP', 'UDP'].includes(port.protocol)) errs.push(fe.notSupported(`${p}.protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
  });
  return errs;
}

/** The rules every container kind shares (validateContainerCommon). */
function validateContainerCommon(c: AnyContainer, volumes: Map<string, Volume>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.image) errs.push(fe.required(`${path}.image`, ''));
  else if (c.image !== c.image.trim()) errs.push(fe.invalid(`${path}.image`, c.image, 'must not have leading or trailing whitespace'));
  if (c.lifecycle) {
    errs.push(...validateLifecycleHandler(c.lifecycle.postStart, `${path}.lifecycle.postStart`));
    errs.push(...validateLifecycleHandler(c.lifecycle.preStop, `${path}.lifecycle.preStop`));
  }
  if (c.terminationMessagePolicy === undefined || c.terminationMessagePolicy === '') errs.push(fe.required(`${path}.terminationMessagePolicy`, ''));
  else if (!['File', 'FallbackToLogsOnError'].includes(c.terminationMessagePolicy)) errs.push(fe.notSupported(`${path}.terminationMessagePolicy`, c.terminationMessagePolicy, ['File', 'FallbackToLogsOnError']));
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === '') errs.push(fe.required(`${path}.imagePullPolicy`, ''));
  else if (!['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy)) errs.push(fe.notSupported(`${path}.imagePullPolicy`, c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']));
  errs.push(...validatePorts(c, path));
  errs.push(...validateEnv(c, path));
  errs.push(...validateVolumeMounts(c, volumes, path));
  errs.push(...validateResources(c.resources, `${path}.resources`));
  if (c.stdinOnce && !c.stdin) errs.push(fe.invalid(`${path}.stdinOnce`, true, 'requires stdin to be true'));
  const sc = c.securityContext;
  if (sc) {
    if (sc.runAsUser !== undefined && (sc.runAsUser < 0 || sc.runAsUser > MAX_INT32)) errs.push(fe.invalid(`${path}.securityContext.runAsUser`, sc.runAsUser, inclusiveRangeError(0, MAX_INT32)));
    if (sc.runAsGroup !== undefined && (sc.runAsGroup < 0 || sc.runAsGroup > MAX_INT32)) errs.push(fe.invalid(`${path}.securityContext.runAsGroup`, sc.runAsGroup, inclusiveRangeError(0, MAX_INT32)));
    if (sc.privileged && sc.allowPrivilegeEscalation === false) errs.push(fe.invalid(`${path}.securityContext`, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  return errs;
}

function validateName(c: AnyContainer, names: Set<string>, path: string): FieldError[] {
  if (!c.name) return [fe.required(`${path}.name`, '')];
  const errs = dnsLabel(c.name, `${path}.name`);
  if (names.has(c.name)) errs.push(fe.duplicate(`${path}.name`, c.name));
  names.add(c.name);
  return errs;
}

function validateTolerations(ts: Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (ts ?? []).forEach((t, i) => {
    const p = `${path}[${i}]`;
    if (t.key) errs.push(...isQualifiedName(t.key).map((m) => fe.invalid(`${p}.key`, t.key, m)));
    if (!t.key && t.operator !== 'Exists') errs.push(fe.invalid(`${p}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') errs.push(fe.invalid(`${p}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    switch (t.operator ?? '') {
      case '':
      case 'Equal':
        errs.push(...isValidLabelValue(t.value ?? '').map((m) => fe.invalid(`${p}.operator`, t.value ?? '', m)));
        break;
      case 'Exists':
        if (t.value) errs.push(fe.invalid(`${p}.operator`, t.value, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(fe.notSupported(`${p}.operator`, t.operator, ['Equal', 'Exists']));
    }
    if (t.effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) errs.push(fe.notSupported(`${p}.effect`, t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
  });
  return errs;
}

function validateNodeSelectorTerms(terms: { matchExpressions?: { key: string; operator: string; values?: string[] }[]; matchFields?: { key: string; operator: string; values?: string[] }[] }[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (terms ?? []).forEach((t, i) => {
    for (const kind of ['matchExpressions', 'matchFields'] as const) {
      (t[kind] ?? []).forEach((r, j) => {
        const p = `${path}[${i}].${kind}[${j}]`;
        const n = r.values?.length ?? 0;
        switch (r.operator) {
          case 'In': case 'NotIn':
            if (n === 0) errs.push(fe.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
            break;
          case 'Exists': case 'DoesNotExist':
            if (n > 0) errs.push(fe.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
            break;
          case 'Gt': case 'Lt':
            if (n !== 1) errs.push(fe.required(`${p}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
            break;
          default:
            errs.push(fe.invalid(`${p}.operator`, r.operator, 'not a valid selector operator'));
        }
        if (kind === 'matchExpressions') errs.push(...isQualifiedName(r.key).map((m) => fe.invalid(`${p}.key`, r.key, m)));
      });
    }
  });
  return errs;
}

function validateAffinity(spec: PodSpec, path: string): FieldError[] {
  const a = spec.affinity;
  if (!a) return [];
  const errs: FieldError[] = [];
  const na = a.nodeAffinity;
  if (na?.requiredDuringSchedulingIgnoredDuringExecution) {
    const p = `${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
    const terms = na.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    if (!terms || terms.length === 0) errs.push(fe.required(`${p}.nodeSelectorTerms`, 'must have at least one node selector term'));
    errs.push(...validateNodeSelectorTerms(terms, `${p}.nodeSelectorTerms`));
  }
  (na?.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
    const p = `${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    if (t.weight === undefined || t.weight < 1 || t.weight > 100) errs.push(fe.invalid(`${p}.weight`, t.weight ?? 0, 'must be in the range 1-100'));
    errs.push(...validateNodeSelectorTerms(t.preference ? [t.preference] : [], `${p}.preference`).map((e) => ({ ...e, field: e.field.replace(`${p}.preference[0]`, `${p}.preference`) })));
  });
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = a[kind];
    if (!pa) continue;
    const check = (term: { labelSelector?: unknown; topologyKey?: string; namespaceSelector?: unknown } | undefined, p: string) => {
      if (!term) return;
      errs.push(...validateLabelSelector(term.labelSelector as never, `${p}.labelSelector`));
      errs.push(...validateLabelSelector(term.namespaceSelector as never, `${p}.namespaceSelector`));
      if (!term.topologyKey) errs.push(fe.required(`${p}.topologyKey`, 'can not be empty'));
      else errs.push(...isQualifiedName(term.topologyKey).map((m) => fe.invalid(`${p}.topologyKey`, term.topologyKey, m)));
    };
    (pa.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => check(t, `${path}.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`));
    (pa.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      const p = `${path}.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      if (t.weight === undefined || t.weight < 1 || t.weight > 100) errs.push(fe.invalid(`${p}.weight`, t.weight ?? 0, 'must be in the range 1-100'));
      check(t.podAffinityTerm, `${p}.podAffinityTerm`);
    });
  }
  return errs;
}

function validateTopologySpread(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (spec.topologySpreadConstraints ?? []).forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (c.maxSkew === undefined || c.maxSkew <= 0) errs.push(fe.invalid(`${p}.maxSkew`, c.maxSkew ?? 0, 'must be greater than zero'));
    if (!c.topologyKey) errs.push(fe.required(`${p}.topologyKey`, 'can not be empty'));
    else errs.push(...isQualifiedName(c.topologyKey).map((m) => fe.invalid(`${p}.topologyKey`, c.topologyKey, m)));
    if (!c.whenUnsatisfiable || !['DoNotSchedule', 'ScheduleAnyway'].includes(c.whenUnsatisfiable)) errs.push(fe.notSupported(`${p}.whenUnsatisfiable`, c.whenUnsatisfiable ?? '', ['DoNotSchedule', 'ScheduleAnyway']));
    if (c.minDomains !== undefined && c.minDomains <= 0) errs.push(fe.invalid(`${p}.minDomains`, c.minDomains, 'must be greater than 0'));
    const key = `${c.topologyKey}/${c.whenUnsatisfiable}`;
    if (seen.has(key)) errs.push(fe.duplicate(`${p}.{topologyKey, whenUnsatisfiable}`, `{${c.topologyKey}, ${c.whenUnsatisfiable}}`));
    seen.add(key);
    errs.push(...validateLabelSelector(c.labelSelector as never, `${p}.labelSelector`));
  });
  return errs;
}

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];

/** ValidatePodSpec. */
export function validatePodSpec(spec: PodSpec | undefined, path: string): FieldError[] {
  if (!spec) return [fe.required(path, '')];
  const errs: FieldError[] = [];
  const { errs: volErrs, byName: volumes } = validateVolumes(spec.volumes, `${path}.volumes`);
  errs.push(...volErrs);

  const names = new Set<string>();
  const containers = spec.containers ?? [];
  if (containers.length === 0) errs.push(fe.required(`${path}.containers`, ''));
  containers.forEach((c, i) => {
    const p = `${path}.containers[${i}]`;
    errs.push(...validateName(c, names, p));
    errs.push(...validateContainerCommon(c, volumes, p));
    errs.push(...validateProbe(c.livenessProbe, `${p}.livenessProbe`));
    errs.push(...validateProbe(c.readinessProbe, `${p}.readinessProbe`));
    errs.push(...validateProbe(c.startupProbe, `${p}.startupProbe`));
    if (c.livenessProbe && c.livenessProbe.successThreshold !== undefined && c.livenessProbe.successThreshold !== 1) {
      errs.push(fe.invalid(`${p}.livenessProbe.successThreshold`, c.livenessProbe.successThreshold, 'must be 1'));
    }
    if (c.startupProbe && c.startupProbe.successThreshold !== undefined && c.startupProbe.successThreshold !== 1) {
      errs.push(fe.invalid(`${p}.startupProbe.successThreshold`, c.startupProbe.successThreshold, 'must be 1'));
    }
    if (c.restartPolicy !== undefined) errs.push(fe.forbidden(`${p}.restartPolicy`, 'may not be set for non-init containers'));
  });
  (spec.initContainers ?? []).forEach((c, i) => {
    const p = `${path}.initContainers[${i}]`;
    errs.push(...validateName(c, names, p));
    errs.push(...validateContainerCommon(c, volumes, p));
    const restartable = c.restartPolicy === 'Always';
    if (c.restartPolicy !== undefined && !restartable) errs.push(fe.notSupported(`${p}.restartPolicy`, c.restartPolicy, ['Always']));
    if (restartable) {
      errs.push(...validateProbe(c.livenessProbe, `${p}.livenessProbe`));
      errs.push(...validateProbe(c.readinessProbe, `${p}.readinessProbe`));
      errs.push(...validateProbe(c.startupProbe, `${p}.startupProbe`));
    } else {
      if (c.lifecycle) errs.push(fe.forbidden(`${p}.lifecycle`, 'may not be set for init containers without restartPolicy=Always'));
      if (c.livenessProbe) errs.push(fe.forbidden(`${p}.livenessProbe`, 'may not be set for init containers without restartPolicy=Always'));
      if (c.readinessProbe) errs.push(fe.forbidden(`${p}.readinessProbe`, 'may not be set for init containers without restartPolicy=Always'));
      if (c.startupProbe) errs.push(fe.forbidden(`${p}.startupProbe`, 'may not be set for init containers without restartPolicy=Always'));
    }
  });
  (spec.ephemeralContainers ?? []).forEach((c, i) => {
    const p = `${path}.ephemeralContainers[${i}]`;
    errs.push(...validateName(c, names, p));
    errs.push(...validateContainerCommon(c, volumes, p));
    for (const k of ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resizePolicy', 'restartPolicy'] as const) {
      if (c[k] !== undefined) errs.push(fe.forbidden(`${p}.${k}`, 'cannot be set for an Ephemeral Container'));
    }
  });
  // Host ports must be unique per host IP and protocol within each container list (checkHostPortConflicts).
  for (const [list, kind] of [[spec.containers, 'containers'], [spec.initContainers, 'initContainers']] as const) {
    const hostPorts = new Set<string>();
    (list ?? []).forEach((c, i) => (c.ports ?? []).forEach((port, j) => {
      if (!port.hostPort) return;
      const key = `${port.hostIP ?? ''}/${port.protocol ?? ''}/${port.hostPort}`;
      if (hostPorts.has(key)) errs.push(fe.duplicate(`${path}.${kind}[${i}].ports[${j}].hostPort`, key));
      hostPorts.add(key);
    }));
  }

  if (!spec.restartPolicy) errs.push(fe.required(`${path}.restartPolicy`, ''));
  else if (!RESTART_POLICIES.includes(spec.restartPolicy)) errs.push(fe.notSupported(`${path}.restartPolicy`, spec.restartPolicy, RESTART_POLICIES));
  if (!spec.dnsPolicy) errs.push(fe.required(`${path}.dnsPolicy`, ''));
  else if (!DNS_POLICIES.includes(spec.dnsPolicy)) errs.push(fe.notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES));
  if (spec.dnsPolicy === 'None' && !spec.dnsConfig) errs.push(fe.required(`${path}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
  if (spec.dnsConfig) {
    const ns = spec.dnsConfig.nameservers ?? [];
    if (ns.length > 3) errs.push(fe.invalid(`${path}.dnsConfig.nameservers`, ns, 'must not have more than 3 nameservers'));
    if (spec.dnsPolicy === 'None' && ns.length === 0) errs.push(fe.required(`${path}.dnsConfig.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
    if ((spec.dnsConfig.searches ?? []).length > 32) errs.push(fe.invalid(`${path}.dnsConfig.searches`, spec.dnsConfig.searches, 'must not have more than 32 search paths'));
    (spec.dnsConfig.options ?? []).forEach((o, i) => { if (!o.name) errs.push(fe.required(`${path}.dnsConfig.options[${i}]`, 'Option.Name must not be empty')); });
  }
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  if (spec.serviceAccountName) errs.push(...dnsSubdomain(spec.serviceAccountName, `${path}.serviceAccountName`));
  if (spec.nodeName) errs.push(...dnsSubdomain(spec.nodeName, `${path}.nodeName`));
  if (spec.activeDeadlineSeconds !== undefined && (spec.activeDeadlineSeconds < 1 || spec.activeDeadlineSeconds > MAX_INT32)) {
    errs.push(fe.invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, inclusiveRangeError(1, MAX_INT32)));
  }
  if (spec.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds < 0) {
    // Kubernetes accepts negative values for compatibility; the strategy turns them into 1.
  }
  if (spec.hostname) errs.push(...dnsLabel(spec.hostname, `${path}.hostname`));
  if (spec.subdomain) errs.push(...dnsLabel(spec.subdomain, `${path}.subdomain`));
  if (spec.hostPID && spec.shareProcessNamespace) errs.push(fe.invalid(`${path}.shareProcessNamespace`, true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  (spec.imagePullSecrets ?? []).forEach((s, i) => { if (!s.name) errs.push(fe.required(`${path}.imagePullSecrets[${i}].name`, '')); });
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  errs.push(...validateAffinity(spec, `${path}.affinity`));
  errs.push(...validateTopologySpread(spec, `${path}.topologySpreadConstraints`));
  (spec.hostAliases ?? []).forEach((h, i) => {
    if (!h.ip) errs.push(fe.required(`${path}.hostAliases[${i}].ip`, ''));
    (h.hostnames ?? []).forEach((n, j) => errs.push(...dnsSubdomain(n, `${path}.hostAliases[${i}].hostnames[${j}]`)));
  });
  if (spec.priorityClassName) errs.push(...dnsSubdomain(spec.priorityClassName, `${path}.priorityClassName`));
  if (spec.runtimeClassName) errs.push(...dnsSubdomain(spec.runtimeClassName, `${path}.runtimeClassName`));
  if (spec.preemptionPolicy !== undefined && !['Never', 'PreemptLowerPriority'].includes(spec.preemptionPolicy)) {
    errs.push(fe.notSupported(`${path}.preemptionPolicy`, spec.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  }
  (spec.readinessGates ?? []).forEach((g, i) => errs.push(...isQualifiedName(g.conditionType ?? '').map((m) => fe.invalid(`${path}.readinessGates[${i}].conditionType`, g.conditionType ?? '', m))));
  if (spec.os && !['linux', 'windows'].includes(spec.os.name ?? '')) errs.push(fe.notSupported(`${path}.os.name`, spec.os.name ?? '', ['linux', 'windows']));
  const gates = new Set<string>();
  (spec.schedulingGates ?? []).forEach((g, i) => {
    errs.push(...isQualifiedName(g.name ?? '').map((m) => fe.invalid(`${path}.schedulingGates[${i}].name`, g.name ?? '', m)));
    if (g.name && gates.has(g.name)) errs.push(fe.duplicate(`${path}.schedulingGates[${i}].name`, g.name));
    if (g.name) gates.add(g.name);
  });
  const claims = new Set<string>();
  (spec.resourceClaims ?? []).forEach((c, i) => {
    const p = `${path}.resourceClaims[${i}]`;
    if (!c.name) errs.push(fe.required(`${p}.name`, ''));
    else {
      errs.push(...dnsLabel(c.name, `${p}.name`));
      if (claims.has(c.name)) errs.push(fe.duplicate(`${p}.name`, c.name));
      claims.add(c.name);
    }
    if (!c.resourceClaimName === !c.resourceClaimTemplateName) errs.push(fe.invalid(p, c, 'at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified'));
  });
  const sc = spec.securityContext;
  if (sc) {
    for (const k of ['runAsUser', 'runAsGroup', 'fsGroup'] as const) {
      const v = sc[k];
      if (v !== undefined && (v < 0 || v > MAX_INT32)) errs.push(fe.invalid(`${path}.securityContext.${k}`, v, inclusiveRangeError(0, MAX_INT32)));
    }
    if (sc.fsGroupChangePolicy !== undefined && !['OnRootMismatch', 'Always'].includes(sc.fsGroupChangePolicy)) {
      errs.push(fe.notSupported(`${path}.securityContext.fsGroupChangePolicy`, sc.fsGroupChangePolicy, ['OnRootMismatch', 'Always']));
    }
  }
  return errs;
}

/** Labels and annotations of a pod template, then its spec (ValidatePodTemplateSpec). */
export function validatePodTemplateSpec(t: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: PodSpec } | undefined, path: string): FieldError[] {
  if (!t) return [fe.required(path, '')];
  const errs = validateLabels(t.metadata?.labels, `${path}.metadata.labels`);
  errs.push(...validateAnnotations(t.metadata?.annotations, `${path}.metadata.annotations`));
  errs.push(...validatePodSpec(t.spec, `${path}.spec`));
  return errs;
}

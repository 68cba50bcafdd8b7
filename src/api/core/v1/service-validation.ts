// ValidateService / ValidateServiceUpdate (pkg/apis/core/validation), with Kubernetes' messages and
// field paths. Allocation-dependent checks (node port range, health-check port presence) are the
// allocator's, since k8ts allocates after validation.
import type { Service, ServicePort, ServiceStatus, SessionAffinityConfig } from './services.js';
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';
import { isValidPortNum, isValidPortName, isDNS1123Subdomain } from '../../../machinery/validation/names.js';
import { validateLabels } from '../../../machinery/labels/validation.js';
import { validateIP, validateNonSpecialIP, validateCIDR, isIPv6String, isDualStack, parseIP } from './net.js';
import {
  invalidRendered, duplicateRendered, goStringSlice, goTypedSlice, validateDNS1123Label, validateDNS1123Subdomain, validateQualifiedName,
} from './field-util.js';
import { isHeadlessService, externallyAccessible, needsHealthCheckNodePort } from './service-strategy.js';

const KUBELET_PORT = 10250;
const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;
/** Go renders a string-slice enum in sets.List order (sorted). */
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
const PROTOCOLS_SORTED = ['SCTP', 'TCP', 'UDP'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];

function servicePortStruct(p: ServicePort): string {
  // The duplicate key Kubernetes builds carries only protocol and port.
  return `core.ServicePort{Name:"", Protocol:${JSON.stringify(p.protocol ?? '')}, AppProtocol:(*string)(nil), Port:${p.port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

function validateServicePort(p: ServicePort, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p.name) errs.push(fieldErrors.required(`${path}.name`));
  else if (p.name) {
    errs.push(...validateDNS1123Label(p.name, `${path}.name`));
    if (names.has(p.name)) errs.push(fieldErrors.duplicate(`${path}.name`, p.name));
    else names.add(p.name);
  }
  for (const msg of isValidPortNum(p.port)) errs.push(fieldErrors.invalid(`${path}.port`, p.port, msg));
  if (!p.protocol) errs.push(fieldErrors.required(`${path}.protocol`));
  else if (!PROTOCOLS_SORTED.includes(p.protocol)) errs.push(fieldErrors.notSupported(`${path}.protocol`, p.protocol, PROTOCOLS_SORTED));
  errs.push(...validatePortNumOrName(p.targetPort, `${path}.targetPort`));
  if (p.appProtocol !== undefined) errs.push(...validateQualifiedName(p.appProtocol, `${path}.appProtocol`));
  return errs;
}

/** ValidatePortNumOrName: a number in 1-65535 or an IANA service name. */
export function validatePortNumOrName(port: number | string | undefined, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => fieldErrors.invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => fieldErrors.invalid(path, port, m));
  return [];
}

function validateClientIPAffinityConfig(cfg: SessionAffinityConfig | undefined, path: string): FieldError[] {
  const why = 'when session affinity type is ClientIP';
  if (!cfg) return [fieldErrors.required(path, why)];
  if (!cfg.clientIP) return [fieldErrors.required(`${path}.clientIP`, why)];
  const t = cfg.clientIP.timeoutSeconds;
  if (t === undefined) return [fieldErrors.required(`${path}.clientIP.timeoutSeconds`, why)];
  if (t <= 0 || t > MAX_CLIENT_IP_AFFINITY_SECONDS) {
    return [fieldErrors.invalid(`${path}.clientIP.timeoutSeconds`, t, `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`)];
  }
  return [];
}

/** ValidateServiceClusterIPsRelatedFields. */
function validateClusterIPsRelatedFields(s: Service): FieldError[] {
  const sp = s.spec ?? {};
  if (sp.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ips = sp.clusterIPs ?? [];
  if (sp.clusterIP) {
    if (ips.length === 0) errs.push(fieldErrors.required('spec.clusterIPs'));
    else if (ips[0] !== sp.clusterIP) errs.push(invalidRendered('spec.clusterIPs', goStringSlice(ips), 'first value must match `clusterIP`'));
  } else if (ips.length) {
    errs.push(invalidRendered('spec.clusterIPs', goStringSlice(ips), 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  (sp.ipFamilies ?? []).forEach((f, i) => {
    if (!IP_FAMILIES.includes(f)) errs.push(fieldErrors.notSupported(`spec.ipFamilies[${i}]`, f, IP_FAMILIES));
    if (seen.has(f)) errs.push(fieldErrors.duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  if (sp.ipFamilyPolicy !== undefined && !IP_FAMILY_POLICIES.includes(sp.ipFamilyPolicy)) {
    errs.push(fieldErrors.notSupported('spec.ipFamilyPolicy', sp.ipFamilyPolicy, IP_FAMILY_POLICIES));
  }
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(invalidRendered('spec.clusterIPs', goStringSlice(ips), "'None' must be the first and only value"));
      }
      return;
    }
    const e = validateIP(`spec.clusterIPs[${i}]`, ip);
    if (e.length) { badIPs = true; errs.push(...e); }
  });
  if (ips.length > 2) {
    badIPs = true;
    errs.push(invalidRendered('spec.clusterIPs', goStringSlice(ips), 'may only hold up to 2 values'));
  }
  if (badIPs) return errs;
  if (ips.length > 1 && !isDualStack(ips)) {
    errs.push(invalidRendered('spec.clusterIPs', goStringSlice(ips), 'may specify no more than one IP for each IP family'));
  }
  const fams = sp.ipFamilies ?? [];
  if (!isHeadlessService(s) && ips.length && fams.length) {
    ips.forEach((ip, i) => {
      if (i > fams.length - 1) return;
      if (fams[i] === 'IPv4' && isIPv6String(ip)) errs.push(fieldErrors.invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (fams[i] === 'IPv6' && !isIPv6String(ip)) errs.push(fieldErrors.invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

function validateLoadBalancerClass(old: Service | null, s: Service): FieldError[] {
  const errs: FieldError[] = [];
  const cls = s.spec?.loadBalancerClass;
  if (old && old.spec?.type === 'LoadBalancer' && s.spec?.type === 'LoadBalancer' && old.spec?.loadBalancerClass !== cls) {
    errs.push(fieldErrors.invalid('spec.loadBalancerClass', cls ?? null, 'may not change once set'));
  }
  if (s.spec?.type === 'LoadBalancer') {
    if (cls !== undefined) errs.push(...validateQualifiedName(cls, 'spec.loadBalancerClass'));
  } else if (cls !== undefined) {
    errs.push(fieldErrors.forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

/** ValidateService (the spec part; metadata is checked by the server against the DNS-1035 name rule). */
export function validateService(s: Service): FieldError[] {
  const errs: FieldError[] = [];
  const sp = s.spec ?? {};
  const ports = sp.ports ?? [];
  const headless = isHeadlessService(s);
  if (ports.length === 0 && !headless && sp.type !== 'ExternalName') errs.push(fieldErrors.required('spec.ports'));

  switch (sp.type) {
    case 'LoadBalancer':
      if (headless) errs.push(fieldErrors.invalid('spec.clusterIPs[0]', sp.clusterIPs![0], "may not be set to 'None' for LoadBalancer services"));
      ports.forEach((p, i) => {
        if (p.port === KUBELET_PORT) errs.push(fieldErrors.invalid(`spec.ports[${i}]`, p.port, `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`));
      });
      break;
    case 'NodePort':
      if (headless) errs.push(fieldErrors.invalid('spec.clusterIPs[0]', sp.clusterIPs![0], "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      if ((sp.clusterIPs?.length ?? 0) > 0) errs.push(fieldErrors.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if ((sp.ipFamilies?.length ?? 0) > 0) errs.push(fieldErrors.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (sp.ipFamilyPolicy !== undefined) errs.push(fieldErrors.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      // A trailing dot marks the CNAME as fully qualified.
      const cname = (sp.externalName ?? '').replace(/\.$/, '');
      if (cname) errs.push(...validateDNS1123Subdomain(cname, 'spec.externalName'));
      else errs.push(fieldErrors.required('spec.externalName'));
      break;
    }
  }

  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)));

  if (sp.selector) errs.push(...validateLabels(sp.selector, 'spec.selector'));

  if (!sp.sessionAffinity) errs.push(fieldErrors.required('spec.sessionAffinity'));
  else if (!SESSION_AFFINITIES.includes(sp.sessionAffinity)) errs.push(fieldErrors.notSupported('spec.sessionAffinity', sp.sessionAffinity, SESSION_AFFINITIES));
  if (sp.sessionAffinity === 'ClientIP') errs.push(...validateClientIPAffinityConfig(sp.sessionAffinityConfig, 'spec.sessionAffinityConfig'));
  else if (sp.sessionAffinity === 'None' && sp.sessionAffinityConfig) {
    errs.push(fieldErrors.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }

  errs.push(...validateClusterIPsRelatedFields(s));

  (sp.externalIPs ?? []).forEach((ip, i) => {
    const e = validateIP(`spec.externalIPs[${i}]`, ip);
    errs.push(...(e.length ? e : validateNonSpecialIP(ip, `spec.externalIPs[${i}]`)));
  });

  if (!sp.type) errs.push(fieldErrors.required('spec.type'));
  else if (!SERVICE_TYPES.includes(sp.type)) errs.push(fieldErrors.notSupported('spec.type', sp.type, SERVICE_TYPES));

  if (sp.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(fieldErrors.forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }

  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const key = `${p.protocol}/${p.nodePort}`;
    if (nodePorts.has(key)) errs.push(fieldErrors.duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePorts.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol}/${p.port}`;
    if (portKeys.has(key)) errs.push(duplicateRendered(`spec.ports[${i}]`, servicePortStruct(p)));
    portKeys.add(key);
  });

  if ((sp.loadBalancerSourceRanges?.length ?? 0) > 0) {
    // Kubernetes spells this path with a capital L.
    if (sp.type !== 'LoadBalancer') errs.push(fieldErrors.forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
    sp.loadBalancerSourceRanges!.forEach((v, i) => errs.push(...validateCIDR(`spec.LoadBalancerSourceRanges[${i}]`, v.trim())));
  }

  if (sp.allocateLoadBalancerNodePorts !== undefined && sp.type !== 'LoadBalancer') {
    errs.push(fieldErrors.forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (sp.type === 'LoadBalancer' && sp.allocateLoadBalancerNodePorts === undefined) {
    errs.push(fieldErrors.required('allocateLoadBalancerNodePorts'));
  }

  errs.push(...validateLoadBalancerClass(null, s));
  errs.push(...validateExternalTrafficPolicy(s));

  if (sp.internalTrafficPolicy === undefined) {
    if (sp.type === 'NodePort' || sp.type === 'LoadBalancer' || sp.type === 'ClusterIP') errs.push(fieldErrors.required('spec.internalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(sp.internalTrafficPolicy)) {
    errs.push(fieldErrors.notSupported('spec.internalTrafficPolicy', sp.internalTrafficPolicy, TRAFFIC_POLICIES));
  }
  if (sp.trafficDistribution !== undefined && sp.trafficDistribution !== 'PreferClose') {
    errs.push(fieldErrors.notSupported('spec.trafficDistribution', sp.trafficDistribution, ['PreferClose']));
  }
  return errs;
}

function validateExternalTrafficPolicy(s: Service): FieldError[] {
  const errs: FieldError[] = [];
  const sp = s.spec ?? {};
  if (!externallyAccessible(s)) {
    if (sp.externalTrafficPolicy) errs.push(fieldErrors.invalid('spec.externalTrafficPolicy', sp.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  } else if (!sp.externalTrafficPolicy) {
    errs.push(fieldErrors.required('spec.externalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(sp.externalTrafficPolicy)) {
    errs.push(fieldErrors.notSupported('spec.externalTrafficPolicy', sp.externalTrafficPolicy, TRAFFIC_POLICIES));
  }
  // The health-check port is allocated after validation in k8ts, so only a set value is checked.
  if (!needsHealthCheckNodePort(s)) {
    if (sp.healthCheckNodePort) {
      errs.push(fieldErrors.invalid('spec.healthCheckNodePort', sp.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    }
  } else if (sp.healthCheckNodePort) {
    for (const msg of isValidPortNum(sp.healthCheckNodePort)) errs.push(fieldErrors.invalid('spec.healthCheckNodePort', sp.healthCheckNodePort, msg));
  }
  return errs;
}

function validateUpgradeDowngradeClusterIPs(old: Service, s: Service): FieldError[] {
  const errs: FieldError[] = [];
  if (s.spec?.type === 'ExternalName' || old.spec?.type === 'ExternalName') return errs;
  if (isHeadlessService(old) && isHeadlessService(s)) return errs;
  const o = old.spec?.clusterIPs ?? [];
  const n = s.spec?.clusterIPs ?? [];
  const rendered = goStringSlice(s.spec?.clusterIPs ?? null);
  if (o.length === n.length) {
    o.forEach((ip, i) => {
      if (ip !== n[i]) errs.push(invalidRendered(`spec.clusterIPs[${i}]`, rendered, 'may not change once set'));
    });
  } else if (o.length > n.length) {
    if (n.length === 0) errs.push(invalidRendered('spec.clusterIPs[0]', rendered, 'primary clusterIP can not be unset'));
    if (o.length > 0 && n.length > 0 && n[0] !== o[0]) errs.push(invalidRendered('spec.clusterIPs[0]', rendered, 'may not change once set'));
    if (n.length === 1 && s.spec?.ipFamilyPolicy !== 'SingleStack') {
      errs.push(invalidRendered('spec.clusterIPs[0]', rendered, "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (o.length > 0 && n[0] !== o[0]) {
    errs.push(invalidRendered('spec.clusterIPs[0]', rendered, 'may not change once set'));
  }
  return errs;
}

function validateUpgradeDowngradeIPFamilies(old: Service, s: Service): FieldError[] {
  const errs: FieldError[] = [];
  if (s.spec?.type === 'ExternalName' || old.spec?.type === 'ExternalName') return errs;
  const oh = isHeadlessService(old);
  const nh = isHeadlessService(s);
  if (oh !== nh || nh) return errs;
  const o = old.spec?.ipFamilies ?? [];
  const n = s.spec?.ipFamilies ?? [];
  const fams = goTypedSlice('core.IPFamily', s.spec?.ipFamilies ?? null);
  const ips = goStringSlice(s.spec?.clusterIPs ?? null);
  if (o.length === n.length) {
    o.forEach((f, i) => {
      if (f !== n[i]) errs.push(invalidRendered('spec.ipFamilies[0]', fams, 'may not change once set'));
    });
  } else if (o.length > n.length) {
    if ((s.spec?.clusterIPs?.length ?? 0) === 0) errs.push(invalidRendered('spec.ipFamilies[0]', fams, 'primary ipFamily can not be unset'));
    if (n.length > 0 && n[0] !== o[0]) errs.push(invalidRendered('spec.ipFamilies[0]', ips, 'may not change once set'));
    if (n.length === 1 && s.spec?.ipFamilyPolicy !== 'SingleStack') {
      errs.push(invalidRendered('spec.clusterIPs[0]', ips, "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (o.length > 0 && n.length > 0 && n[0] !== o[0]) {
    errs.push(invalidRendered('spec.ipFamilies[0]', ips, 'may not change once set'));
  }
  return errs;
}

/** ValidateLoadBalancerStatus: what a load-balancer controller may write to status. */
export function validateLoadBalancerStatus(s: Service): FieldError[] {
  const errs: FieldError[] = [];
  const ingress = (s.status as ServiceStatus | undefined)?.loadBalancer?.ingress ?? [];
  const path = 'status.loadBalancer.ingress';
  if (s.spec?.type !== 'LoadBalancer' && ingress.length) return [fieldErrors.forbidden(path, "may only be used when `spec.type` is 'LoadBalancer'")];
  ingress.forEach((ing, i) => {
    const p = `${path}[${i}]`;
    if (ing.ip) errs.push(...validateIP(`${p}.ip`, ing.ip));
    if (ing.ipMode === undefined) {
      if (ing.ip) errs.push(fieldErrors.required(`${p}.ipMode`, 'must be specified when `ip` is set'));
    } else if (!ing.ip) {
      errs.push(fieldErrors.forbidden(`${p}.ipMode`, 'may not be specified when `ip` is not set'));
    } else if (!['Proxy', 'VIP'].includes(ing.ipMode)) {
      errs.push(fieldErrors.notSupported(`${p}.ipMode`, ing.ipMode, ['Proxy', 'VIP']));
    }
    if (ing.hostname) {
      for (const msg of isDNS1123Subdomain(ing.hostname)) errs.push(fieldErrors.invalid(`${p}.hostname`, ing.hostname, msg));
      if (parseIP(ing.hostname)) errs.push(fieldErrors.invalid(`${p}.hostname`, ing.hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

/** ValidateServiceUpdate: cluster IPs and families may grow or shrink by the secondary only. */
export function validateServiceUpdate(s: Service, old: Service): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateUpgradeDowngradeClusterIPs(old, s));
  errs.push(...validateUpgradeDowngradeIPFamilies(old, s));
  errs.push(...validateLoadBalancerClass(old, s).filter((e) => e.message.endsWith('may not change once set')));
  if (needsHealthCheckNodePort(old) && needsHealthCheckNodePort(s) && (old.spec?.healthCheckNodePort ?? 0) !== (s.spec?.healthCheckNodePort ?? 0)) {
    errs.push(fieldErrors.invalid('spec.healthCheckNodePort', s.spec?.healthCheckNodePort ?? 0, 'field is immutable'));
  }
  errs.push(...validateService(s));
  // Status writes go through update validation too; the stored status of a main write is already valid.
  errs.push(...validateLoadBalancerStatus(s));
  return errs;
}


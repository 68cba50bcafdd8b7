// The pod's resolv.conf (CRI's DNSConfig) as the kubelet decides it from dnsPolicy:
// ClusterFirst: the cluster DNS only, searches "<ns>.svc.<domain> svc.<domain> <domain>" then the
//   node's, options ndots:5; a hostNetwork pod falls back to Default, ClusterFirstWithHostNet does
//   not; without a cluster DNS the kubelet falls back to Default (and warns).
// Default: the node's resolv.conf.  None: nothing but spec.dnsConfig.
// spec.dnsConfig is merged into every policy (servers and searches appended without duplicates,
// options overriding by name), then the result is cut to what resolvers accept.
import { existsSync, readFileSync } from 'node:fs';
import type { Pod } from '../../api/core/v1/pod.js';

export interface ResolvConf { servers: string[]; searches: string[]; options: string[] }

/** glibc reads 3 nameservers; Kubernetes' expanded DNS config limits searches to 32 and 2048 characters. */
export const MAX_NAMESERVERS = 3;
export const MAX_SEARCHES = 32;
export const MAX_SEARCH_CHARS = 2048;
const MAX_DOMAIN_LENGTH = 253;

/** As the kubelet reads it: nameservers accumulate, the last `search` and `options` lines win. */
export function parseResolvConf(text: string): ResolvConf {
  const r: ResolvConf = { servers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('#') || t.startsWith(';')) continue;
    const f = t.split(/\s+/);
    if (f[0] === 'nameserver' && f[1]) r.servers.push(f[1]);
    else if (f[0] === 'search') r.searches = f.slice(1).map((s) => s.replace(/\.$/, ''));
    else if (f[0] === 'options') r.options = f.slice(1);
  }
  return r;
}

const LOOPBACK = /^(127\.|::1$)/;

/**
 * The resolv.conf a node's pods may copy. With systemd-resolved, /etc/resolv.conf names only its
 * loopback stub (127.0.0.53), which a pod cannot reach: use the real upstream list it keeps
 * beside it, as kubeadm configures the kubelet to.
 */
export function nodeResolvConfPath(etc = '/etc/resolv.conf', resolved = '/run/systemd/resolve/resolv.conf'): string {
  try {
    const own = parseResolvConf(readFileSync(etc, 'utf8'));
    if (own.servers.length && own.servers.every((s) => LOOPBACK.test(s)) && existsSync(resolved)) return resolved;
  } catch { /* no /etc/resolv.conf: nothing better to offer */ }
  return etc;
}

export function hostResolvConf(path = nodeResolvConfPath()): ResolvConf {
  try { return parseResolvConf(readFileSync(path, 'utf8')); } catch { return { servers: [], searches: [], options: [] }; }
}

export interface DnsSettings { clusterDNS: string[]; clusterDomain: string; host: ResolvConf }

/** A problem worth an event on the pod (reason as the kubelet's: MissingClusterDNS, DNSConfigForming). */
export interface DnsWarning { reason: string; message: string }

const unique = (xs: string[]): string[] => [...new Set(xs)];

function mergeOptions(base: string[], extra: { name?: string; value?: string }[]): string[] {
  const byName = new Map<string, string>();
  const set = (name: string, value: string) => { byName.delete(name); byName.set(name, value); };
  for (const o of base) {
    const i = o.indexOf(':');
    if (i < 0) set(o, '');
    else set(o.slice(0, i), o.slice(i + 1));
  }
  for (const o of extra) if (o.name) set(o.name, o.value ?? '');
  // An empty value is no value ("edns0", not "edns0:"), as the kubelet writes it.
  return [...byName].map(([n, v]) => (v ? `${n}:${v}` : n));
}

function fitSearches(searches: string[], warn: (m: string) => void): string[] {
  let out = searches.slice(0, MAX_SEARCHES);
  let cut = out.length < searches.length;
  const short = out.filter((s) => s.length <= MAX_DOMAIN_LENGTH);
  cut ||= short.length < out.length;
  out = short;
  while (out.join(' ').length > MAX_SEARCH_CHARS) { out.pop(); cut = true; }
  if (cut) warn(`Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${out.join(' ')}`);
  return out;
}

export function podDnsConfig(pod: Pod, s: DnsSettings, onWarning?: (w: DnsWarning) => void): ResolvConf {
  const spec = pod.spec ?? {};
  const warn = (reason: string, message: string) => onWarning?.({ reason, message });
  const policy = spec.dnsPolicy ?? 'ClusterFirst';
  let kind: 'cluster' | 'host' | 'none' =
    policy === 'None' ? 'none'
      : policy === 'Default' || (policy === 'ClusterFirst' && spec.hostNetwork) ? 'host'
        : 'cluster';
  if (kind === 'cluster' && !s.clusterDNS.length) {
    warn('MissingClusterDNS', `kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`);
    kind = 'host';
  }
  let r: ResolvConf;
  if (kind === 'none') r = { servers: [], searches: [], options: [] };
  else if (kind === 'host') r = { servers: [...s.host.servers], searches: [...s.host.searches], options: [...s.host.options] };
  else {
    const ns = pod.metadata.namespace ?? 'default';
    const d = s.clusterDomain;
    r = {
      servers: [...s.clusterDNS],
      searches: d ? unique([`${ns}.svc.${d}`, `svc.${d}`, d, ...s.host.searches]) : [...s.host.searches],
      options: ['ndots:5'],
    };
  }
  const extra = spec.dnsConfig;
  if (extra) {
    r.servers = unique([...r.servers, ...(extra.nameservers ?? [])]);
    r.searches = unique([...r.searches, ...(extra.searches ?? [])]);
    r.options = mergeOptions(r.options, extra.options ?? []);
  }
  if (r.servers.length > MAX_NAMESERVERS) {
    r.servers = r.servers.slice(0, MAX_NAMESERVERS);
    warn('DNSConfigForming', `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${r.servers.join(' ')}`);
  }
  r.searches = fitSearches(r.searches, (m) => warn('DNSConfigForming', m));
  return r;
}

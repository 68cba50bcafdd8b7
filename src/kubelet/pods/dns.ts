// The pod's resolv.conf as the kubelet decides it from dnsPolicy: ClusterFirst (cluster DNS with
// "<ns>.svc.<domain> svc.<domain> <domain>" searches and ndots:5; falls back to the node's own
// resolver when no cluster DNS is configured, as the kubelet does), Default (the node's), None
// (only spec.dnsConfig); spec.dnsConfig is merged into all of them.
import { readFileSync } from 'node:fs';
import type { Pod } from '../../api/core/v1/pod.js';

export interface ResolvConf { servers: string[]; searches: string[]; options: string[] }

export function parseResolvConf(text: string): ResolvConf {
  const r: ResolvConf = { servers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    const f = line.replace(/[#;].*$/, '').trim().split(/\s+/);
    if (f[0] === 'nameserver' && f[1]) r.servers.push(f[1]);
    else if (f[0] === 'search') r.searches = f.slice(1);
    else if (f[0] === 'options') r.options.push(...f.slice(1));
  }
  return r;
}

export function hostResolvConf(path = '/etc/resolv.conf'): ResolvConf {
  try { return parseResolvConf(readFileSync(path, 'utf8')); } catch { return { servers: [], searches: [], options: [] }; }
}

export interface DnsSettings { clusterDNS: string[]; clusterDomain: string; host: ResolvConf }

export function podDnsConfig(pod: Pod, s: DnsSettings): ResolvConf {
  const spec = pod.spec ?? {};
  let policy = spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'ClusterFirst' && spec.hostNetwork) policy = 'Default';
  if (policy === 'ClusterFirstWithHostNet') policy = 'ClusterFirst';
  if ((policy === 'ClusterFirst') && !s.clusterDNS.length) policy = 'Default';
  let r: ResolvConf;
  if (policy === 'None') r = { servers: [], searches: [], options: [] };
  else if (policy === 'Default') r = { servers: [...s.host.servers], searches: [...s.host.searches], options: [...s.host.options] };
  else {
    const ns = pod.metadata.namespace ?? 'default';
    const d = s.clusterDomain;
    r = { servers: [...s.clusterDNS], searches: [`${ns}.svc.${d}`, `svc.${d}`, d, ...s.host.searches], options: ['ndots:5'] };
  }
  const extra = spec.dnsConfig;
  if (extra) {
    for (const x of extra.nameservers ?? []) if (!r.servers.includes(x)) r.servers.push(x);
    for (const x of extra.searches ?? []) if (!r.searches.includes(x)) r.searches.push(x);
    for (const o of extra.options ?? []) {
      const text = o.value !== undefined ? `${o.name}:${o.value}` : (o.name ?? '');
      r.options = r.options.filter((x) => x.split(':')[0] !== o.name);
      r.options.push(text);
    }
  }
  // glibc reads at most 3 servers and 6 search domains (32 in newer ones): keep what works.
  r.servers = r.servers.slice(0, 3);
  r.searches = [...new Set(r.searches)].slice(0, 32);
  return r;
}

// The environment variables Kubernetes injects for each service visible to a pod (enableServiceLinks):
// FOO_SERVICE_HOST/FOO_SERVICE_PORT and the Docker-link style FOO_PORT_80_TCP... variables.
import type { Service } from '../../api/core/v1/services.js';

export function serviceEnv(services: Service[]): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  const sorted = [...services].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  for (const svc of sorted) {
    const ip = svc.spec?.clusterIP;
    // Headless and unallocated services have no address to give.
    if (!ip || ip === 'None') continue;
    const ports = svc.spec?.ports ?? [];
    if (!ports.length) continue;
    const name = (svc.metadata.name ?? '').toUpperCase().replace(/-/g, '_');
    out.push({ name: `${name}_SERVICE_HOST`, value: ip });
    out.push({ name: `${name}_SERVICE_PORT`, value: String(ports[0].port) });
    for (const p of ports) if (p.name) out.push({ name: `${name}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`, value: String(p.port) });
    const first = ports[0];
    const proto0 = (first.protocol ?? 'TCP').toLowerCase();
    out.push({ name: `${name}_PORT`, value: `${proto0}://${ip}:${first.port}` });
    for (const p of ports) {
      const proto = (p.protocol ?? 'TCP');
      const prefix = `${name}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.push({ name: prefix, value: `${proto.toLowerCase()}://${ip}:${p.port}` });
      out.push({ name: `${prefix}_PROTO`, value: proto.toLowerCase() });
      out.push({ name: `${prefix}_PORT`, value: String(p.port) });
      out.push({ name: `${prefix}_ADDR`, value: ip });
    }
  }
  return out;
}

// The allocators a Service registry needs, and their rebuild from the stored Services at start
// (allocations live only in memory: the Services themselves are the record).
import type { KubeObject } from '../../api/resource.js';
import { IpAllocator, type IpAllocatorOptions } from './ip-allocator.js';
import { PortAllocator } from './port-allocator.js';
import { allocatedIPsOf, nodePortsOf, specOf } from './service-fields.js';

export interface ServiceAllocators {
  ips: IpAllocator;
  ports: PortAllocator;
}

export interface ServiceAllocatorOptions {
  /** --service-cluster-ip-range; default 10.96.0.0/12. */
  serviceCIDR?: string;
  /** --service-node-port-range; default 30000-32767. */
  nodePortRange?: string;
  random?: IpAllocatorOptions['random'];
}

export function createServiceAllocators(opts: ServiceAllocatorOptions = {}): ServiceAllocators {
  return {
    ips: new IpAllocator({ cidr: opts.serviceCIDR, random: opts.random }),
    ports: new PortAllocator({ range: opts.nodePortRange, random: opts.random }),
  };
}

export interface RebuildProblem {
  service: string; // namespace/name
  message: string;
}

/**
 * Forgets all allocations and claims what the given Services hold. Returns what could not be
 * claimed (an address outside a changed CIDR, two Services on one port) for the caller to log;
 * those Services keep working, their values just are not protected from reuse.
 */
export function rebuild(alloc: ServiceAllocators, services: KubeObject[]): RebuildProblem[] {
  alloc.ips.clear();
  alloc.ports.clear();
  const problems: RebuildProblem[] = [];
  for (const svc of services) {
    const spec = specOf(svc);
    const key = `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
    for (const ip of allocatedIPsOf(spec)) {
      try {
        alloc.ips.allocate(ip);
      } catch (err) {
        problems.push({ service: key, message: `clusterIP ${ip}: ${(err as Error).message}` });
      }
    }
    for (const port of nodePortsOf(spec)) {
      try {
        alloc.ports.allocate(port);
      } catch (err) {
        problems.push({ service: key, message: `nodePort ${port}: ${(err as Error).message}` });
      }
    }
  }
  return problems;
}

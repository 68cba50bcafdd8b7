// Service allocation as the Service registry's hooks: a ClusterIP (none for headless and
// ExternalName Services) and NodePorts on create; on update the ClusterIP stays, NodePorts follow
// the type (new ones for NodePort/LoadBalancer, released for ClusterIP/ExternalName); everything
// released on delete; a failed or dry-run write gives back what it took.
//
// rollback() must receive the same object instance that beforeCreate/beforeUpdate mutated: what a
// write reserved is remembered per object, so a rollback can never free another Service's values.
import type { KubeObject } from '../../api/resource.js';
import type { ResourceHooks, HookContext } from '../hooks.js';
import { errors } from '../../machinery/errors.js';
import { fieldErrors, invalidError, type FieldError } from '../../machinery/field-errors.js';
import { AllocationError } from './allocation-error.js';
import type { ServiceAllocators } from './service-allocators.js';
import type { AllocationClaims } from './allocation-claims.js';
import {
  allocatedIPsOf, allocatesNodePorts, clusterIPsOf, isHeadless, needsHealthCheck, needsNodePorts, nodePortsOf, specOf, typeOf,
  type ServicePort, type ServiceSpec,
} from './service-fields.js';

export { createServiceAllocators, rebuild, type ServiceAllocators, type ServiceAllocatorOptions, type RebuildProblem } from './service-allocators.js';

/** How often a write whose values another API server claimed first is retried with fresh ones. */
const CLAIM_ATTEMPTS = 5;

/** What one write took and gave back, to undo it. */
interface Reservation {
  ips: string[];
  ports: number[];
  releasedIps: string[];
  releasedPorts: number[];
  /** Whether ips/ports were claimed in the store (and releasedIps/Ports given up there). */
  claimed?: boolean;
}

/**
 * `claims` (when given) makes every allocation also a claim in the store, so API servers sharing
 * a datastore never hand out one value twice; the in-memory allocator then only proposes values.
 */
export function createServiceHooks(alloc: ServiceAllocators, claims?: AllocationClaims): ResourceHooks {
  const pending = new WeakMap<object, Reservation>();
  const nameOf = (svc: KubeObject) => svc.metadata?.name ?? '';
  const holderOf = (svc: KubeObject) => `${svc.metadata?.namespace ?? ''}/${nameOf(svc)}`;
  const invalid = (svc: KubeObject, errs: FieldError[]) => invalidError('Service', nameOf(svc), errs);

  function undo(r: Reservation): void {
    for (const ip of r.ips) alloc.ips.release(ip);
    for (const p of r.ports) alloc.ports.release(p);
    // Given back only if nobody took them meanwhile; a clash here would mean a duplicate, so skip.
    for (const ip of r.releasedIps) if (!alloc.ips.has(ip)) alloc.ips.allocate(ip);
    for (const p of r.releasedPorts) if (!alloc.ports.has(p)) alloc.ports.allocate(p);
  }

  function allocateIP(svc: KubeObject, spec: ServiceSpec, r: Reservation): void {
    const requested = clusterIPsOf(spec);
    if (requested.length > 1) {
      throw invalid(svc, [fieldErrors.invalid('spec.clusterIPs[1]', requested, 'IPv6 is not configured on this cluster')]);
    }
    let ip = requested[0] ?? '';
    if (ip) {
      try {
        alloc.ips.allocate(ip);
      } catch (err) {
        if (!(err instanceof AllocationError)) throw err;
        throw invalid(svc, [fieldErrors.invalid('spec.clusterIPs', requested, `failed to allocate IP ${ip}: ${err.message}`)]);
      }
    } else {
      try {
        ip = alloc.ips.allocateNext();
      } catch (err) {
        if (!(err instanceof AllocationError)) throw err;
        throw errors.internal(`failed to allocate a serviceIP: ${err.message}`);
      }
    }
    r.ips.push(ip);
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
  }

  function defaultFamilies(spec: ServiceSpec): void {
    if (typeOf(spec) === 'ExternalName') return;
    if (isHeadless(spec)) {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
      if (!spec.selector || !Object.keys(spec.selector).length) {
        // As Kubernetes: headless without selector may carry both families even on a single-stack cluster.
        spec.ipFamilyPolicy ??= 'RequireDualStack';
        spec.ipFamilies ??= spec.ipFamilyPolicy === 'SingleStack' ? ['IPv4'] : ['IPv4', 'IPv6'];
        return;
      }
    }
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.ipFamilies ??= ['IPv4'];
  }

  function claimPort(svc: KubeObject, field: string, port: number, r: Reservation): void {
    try {
      alloc.ports.allocate(port);
    } catch (err) {
      if (!(err instanceof AllocationError)) throw err;
      throw invalid(svc, [fieldErrors.invalid(field, port, err.message)]);
    }
    r.ports.push(port);
  }

  function nextPort(r: Reservation, what = 'nodePort'): number {
    try {
      const p = alloc.ports.allocateNext();
      r.ports.push(p);
      return p;
    } catch (err) {
      if (!(err instanceof AllocationError)) throw err;
      throw errors.internal(`failed to allocate a ${what}: ${err.message}`);
    }
  }

  /**
   * Gives every port a nodePort. `held` are ports the Service already owns (on update): reusing
   * them takes nothing new. Ports with the same number share one nodePort, as in Kubernetes.
   */
  function assignNodePorts(svc: KubeObject, spec: ServiceSpec, held: Set<number>, r: Reservation): void {
    const ports = spec.ports ?? [];
    const byServicePort = new Map<number | undefined, number>();
    const taken = new Set<number>();
    const take = (i: number, np: number) => {
      if (!held.has(np) && !taken.has(np)) claimPort(svc, `spec.ports[${i}].nodePort`, np, r);
      taken.add(np);
    };
    ports.forEach((p: ServicePort, i) => {
      if (!p.nodePort && !allocatesNodePorts(spec)) return;
      const shared = byServicePort.get(p.port);
      if (shared === undefined) {
        const requested = p.nodePort || ports.slice(i).find((q) => q.port === p.port && q.nodePort)?.nodePort;
        if (requested) take(i, requested);
        p.nodePort = requested || nextPort(r);
        byServicePort.set(p.port, p.nodePort);
      } else if (!p.nodePort) {
        p.nodePort = shared;
      } else if (p.nodePort !== shared) {
        take(i, p.nodePort);
      }
    });
  }

  function assignHealthCheckPort(svc: KubeObject, spec: ServiceSpec, heldPort: number | undefined, r: Reservation): void {
    if (!needsHealthCheck(spec)) {
      delete spec.healthCheckNodePort;
      return;
    }
    if (spec.healthCheckNodePort) {
      if (spec.healthCheckNodePort !== heldPort) claimPort(svc, 'spec.healthCheckNodePort', spec.healthCheckNodePort, r);
    } else {
      spec.healthCheckNodePort = heldPort || nextPort(r, 'HealthCheck NodePort');
    }
  }

  function guarded(obj: KubeObject, work: (r: Reservation) => void): void {
    const r: Reservation = { ips: [], ports: [], releasedIps: [], releasedPorts: [] };
    try {
      work(r);
    } catch (err) {
      undo(r);
      throw err;
    }
    pending.set(obj, r);
  }

  /**
   * Runs one write's allocation (sync, in memory), then claims its values in the store. A value
   * another server claimed first is marked taken and the write starts over from the spec it came
   * with: an explicitly requested value then fails with the usual "already allocated" error.
   */
  async function allocateAndClaim(obj: KubeObject, ctx: HookContext, work: (r: Reservation) => void): Promise<void> {
    if (!claims || ctx.dryRun) return guarded(obj, work);
    const original = structuredClone(obj.spec);
    for (let attempt = 1; ; attempt++) {
      guarded(obj, work);
      const r = pending.get(obj)!;
      const conflict = await claims.claim(r.ips, r.ports, holderOf(obj));
      if (!conflict) {
        r.claimed = true;
        await claims.release(r.releasedIps, r.releasedPorts);
        return;
      }
      pending.delete(obj);
      undo(r);
      try {
        if (conflict.ip) alloc.ips.allocate(conflict.ip);
        if (conflict.port) alloc.ports.allocate(conflict.port);
      } catch { /* already marked */ }
      obj.spec = structuredClone(original);
      if (attempt >= CLAIM_ATTEMPTS) throw errors.internal('failed to allocate: the values proposed were claimed by other API servers; try again');
    }
  }

  return {
    beforeCreate(obj: KubeObject, ctx: HookContext): Promise<void> {
      return allocateAndClaim(obj, ctx, (r) => {
        const spec = specOf(obj);
        defaultFamilies(spec);
        if (typeOf(spec) !== 'ExternalName' && !isHeadless(spec)) allocateIP(obj, spec, r);
        if (needsNodePorts(spec)) assignNodePorts(obj, spec, new Set(), r);
        assignHealthCheckPort(obj, spec, undefined, r);
      });
    },

    beforeUpdate(obj: KubeObject, old: KubeObject, ctx: HookContext): Promise<void> {
      return allocateAndClaim(obj, ctx, (r) => {
        const spec = specOf(obj);
        const prev = specOf(old);
        const release = (ips: string[], ports: number[]) => {
          // A dry run must leave the live Service's values held; nothing is given back.
          if (ctx.dryRun) return;
          for (const ip of ips) alloc.ips.release(ip);
          for (const p of ports) alloc.ports.release(p);
          r.releasedIps.push(...ips);
          r.releasedPorts.push(...ports);
        };
        const wasExternal = typeOf(prev) === 'ExternalName';
        const isExternal = typeOf(spec) === 'ExternalName';

        // ClusterIP: allocated when leaving ExternalName, released when becoming it, fixed otherwise.
        if (wasExternal && !isExternal) {
          defaultFamilies(spec);
          if (!isHeadless(spec)) allocateIP(obj, spec, r);
        } else if (!wasExternal && isExternal) {
          if (clusterIPsOf(spec).join() === clusterIPsOf(prev).join()) {
            delete spec.clusterIP;
            delete spec.clusterIPs;
          }
          release(allocatedIPsOf(prev), []);
        } else if (!isExternal) {
          const before = clusterIPsOf(prev);
          const after = clusterIPsOf(spec);
          if (!after.length && before.length) {
            // A PUT of a manifest that never had the address keeps the allocated one.
            spec.clusterIP = before[0];
            spec.clusterIPs = [...before];
          } else if (after[0] !== before[0]) {
            throw invalid(obj, [fieldErrors.invalid('spec.clusterIPs[0]', after, 'may not change once set')]);
          }
          if (prev.ipFamilies && !spec.ipFamilies) spec.ipFamilies = prev.ipFamilies;
          if (prev.ipFamilyPolicy && !spec.ipFamilyPolicy) spec.ipFamilyPolicy = prev.ipFamilyPolicy;
        }

        // NodePorts.
        const oldPorts = new Set((prev.ports ?? []).map((p) => p.nodePort).filter((p): p is number => !!p));
        if (needsNodePorts(spec)) {
          if (needsNodePorts(prev)) {
            // Carry over nodePorts the client left out, matched by port number and protocol.
            for (const p of spec.ports ?? []) {
              if (p.nodePort) continue;
              const match = prev.ports?.find((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP') && q.nodePort);
              if (match) p.nodePort = match.nodePort;
            }
          }
          assignNodePorts(obj, spec, needsNodePorts(prev) ? oldPorts : new Set(), r);
        } else {
          for (const p of spec.ports ?? []) {
            const match = prev.ports?.find((q) => q.port === p.port && q.nodePort === p.nodePort);
            if (match || !p.nodePort) delete p.nodePort;
          }
        }
        const oldHealth = needsHealthCheck(prev) ? prev.healthCheckNodePort : undefined;
        if (needsHealthCheck(spec) && !spec.healthCheckNodePort && oldHealth) spec.healthCheckNodePort = oldHealth;
        assignHealthCheckPort(obj, spec, oldHealth, r);
        const kept = new Set(nodePortsOf(spec));
        release([], nodePortsOf(prev).filter((p) => !kept.has(p)));
      });
    },

    async rollback(obj: KubeObject): Promise<void> {
      const r = pending.get(obj);
      if (!r) return;
      pending.delete(obj);
      undo(r);
      if (claims && r.claimed) {
        await claims.release(r.ips, r.ports);
        // Given back in the store too; if another server took one meanwhile, it keeps it.
        await claims.claim(r.releasedIps, [], holderOf(obj)).catch(() => null);
        await claims.claim([], r.releasedPorts, holderOf(obj)).catch(() => null);
      }
    },

    async afterDelete(obj: KubeObject): Promise<void> {
      const spec = specOf(obj);
      for (const ip of allocatedIPsOf(spec)) alloc.ips.release(ip);
      for (const p of nodePortsOf(spec)) alloc.ports.release(p);
      await claims?.release(allocatedIPsOf(spec), nodePortsOf(spec));
    },
  };
}

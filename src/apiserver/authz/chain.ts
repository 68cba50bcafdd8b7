// Kubernetes' union authorizer: each authorizer in order; the first that allows wins. The reasons
// of those that did not are joined (so a node's "no relationship found" reaches the 403 text).
// Synchronous authorizers (Node, RBAC) are answered without a promise: this runs on every request.
import type { Authorizer, Decision, RequestAttributes } from '../auth/types.js';

function verdict(reasons: string[]): Decision {
  return reasons.length ? { allowed: false, reason: reasons.join(', ') } : { allowed: false };
}

export function unionAuthorizer(...authorizers: Authorizer[]): Authorizer & { authorize(a: RequestAttributes): Decision | Promise<Decision> } {
  async function rest(a: RequestAttributes, from: number, first: Promise<Decision>, reasons: string[]): Promise<Decision> {
    let pending: Promise<Decision> | Decision = first;
    for (let i = from; ; ) {
      const d = await pending;
      if (d.allowed) return d;
      if (d.reason) reasons.push(d.reason);
      if (++i >= authorizers.length) return verdict(reasons);
      pending = authorizers[i]!.authorize(a);
    }
  }
  return {
    authorize(a: RequestAttributes): Decision | Promise<Decision> {
      const reasons: string[] = [];
      for (let i = 0; i < authorizers.length; i++) {
        const d = authorizers[i]!.authorize(a);
        if (d instanceof Promise) return rest(a, i, d, reasons);
        if (d.allowed) return d;
        if (d.reason) reasons.push(d.reason);
      }
      return verdict(reasons);
    },
  };
}

// Per-resource server-side effects that are not pure object rules (those live in src/api):
// allocating a Service's ClusterIP and NodePorts, releasing them on delete, and the like.
import type { KubeObject } from '../api/resource.js';
import type { RequestContext } from './context.js';

export interface HookContext {
  /** True for dryRun=All: validate and allocate tentatively, but commit nothing. */
  dryRun: boolean;
}

export interface ResourceHooks<T extends KubeObject = KubeObject> {
  /** Before a create is written (after defaults and validation). May mutate obj; throw ApiError to refuse. */
  beforeCreate?(obj: T, ctx: HookContext): Promise<void> | void;
  /** Before an update is written. May mutate obj; throw ApiError to refuse. */
  beforeUpdate?(obj: T, old: T, ctx: HookContext): Promise<void> | void;
  /** After a write failed or was a dry run: undo what beforeCreate/beforeUpdate reserved. */
  rollback?(obj: T, old: T | null): Promise<void> | void;
  /** After the object is gone from the store. */
  afterDelete?(obj: T): Promise<void> | void;
  /**
   * Resources that are never stored (TokenReview, SubjectAccessReview, SelfSubjectReview): a POST
   * is decoded, defaulted and validated as usual, then answered with what this returns (201).
   */
  compute?(obj: T, rc: RequestContext): Promise<KubeObject> | KubeObject;
  /** Subresources served by code, by name (serviceaccounts/token); called for any method. */
  subresources?: Record<string, (rc: RequestContext, method: string) => Promise<void>>;
}

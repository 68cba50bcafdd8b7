// The security seams of the API server: who is asking (authentication), may they (authorization),
// should this write go in as sent (admission), and the record of it (audit). The server calls these
// interfaces; the implementations (X.509, tokens, RBAC, node rules, quota...) plug in through
// ApiServerOptions.security.
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../../api/resource.js';
import type { ServedResource, ServerContext } from '../context.js';

/** Kubernetes' user.Info. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface Authenticator {
  /**
   * The user the request's credentials prove, or null when it carries none (then the request is
   * anonymous, if that is allowed). Credentials that are present but wrong (expired, tampered,
   * unknown) throw an ApiError 401: Kubernetes does not fall back to anonymous for them.
   */
  authenticate(req: IncomingMessage): Promise<UserInfo | null> | UserInfo | null;
}

/** Kubernetes' authorizer.Attributes (built from the request by requestAttributes()). */
export interface RequestAttributes {
  user: UserInfo;
  /** get, list, watch, create, update, patch, delete, deletecollection (resources); get, post, put... (paths). */
  verb: string;
  resourceRequest: boolean;
  /** The URL path (what non-resource rules match). */
  path: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export interface Decision {
  allowed: boolean;
  /** Why, when denied (appended to the 403 message) or allowed (for SubjectAccessReview). */
  reason?: string;
}

export interface Authorizer {
  authorize(a: RequestAttributes): Promise<Decision> | Decision;
}

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  user: UserInfo;
  resource: ServedResource;
  subresource: string;
  namespace: string;
  name: string;
  /** The object as it will be written (CREATE, UPDATE; mutable in admit()), or the CONNECT options. */
  obj?: KubeObject;
  /** The stored object (UPDATE, DELETE). */
  old?: KubeObject;
  dryRun: boolean;
  ctx: ServerContext;
  /** Texts for the response's `Warning: 299` headers (PodSecurity's warn mode adds here). */
  warnings?: string[];
  /** Annotations for this request's audit event (PodSecurity's audit mode adds here). */
  auditAnnotations?: Record<string, string>;
}

/**
 * One admission plugin. admit() may change attrs.obj (mutating phase, run for every plugin first);
 * validate() may only refuse. Either refuses by throwing an ApiError (usually 403 Forbidden or 422).
 */
export interface AdmissionPlugin {
  name: string;
  admit?(a: AdmissionAttributes): Promise<void> | void;
  validate?(a: AdmissionAttributes): Promise<void> | void;
}

/** What the server tells the audit log about each request once its response is finished. */
export interface AuditRecord {
  auditID: string;
  user: UserInfo | null;
  /** Null for requests refused before their attributes were known (bad URL, 401). */
  attrs: RequestAttributes | null;
  verb: string;
  requestURI: string;
  sourceIPs: string[];
  userAgent?: string;
  code: number;
  /** Milliseconds since the epoch. */
  received: number;
  completed: number;
  /** Whether authorization allowed it, and why (annotations authorization.k8s.io/decision, /reason). */
  decision?: Decision;
  /** The decoded request body (audit level Request and above), when the server kept it. */
  requestObject?: unknown;
  /** The response body (audit level RequestResponse), when the server kept it. */
  responseObject?: unknown;
  /** Audit annotations added while serving (e.g. pod-security.kubernetes.io/audit-violations). */
  annotations?: Record<string, string>;
}

export interface AuditSink {
  record(r: AuditRecord): void;
  close?(): Promise<void>;
}

export interface SecurityOptions {
  /** Absent: every request is system:admin in system:masters (the in-process and test default). */
  authenticator?: Authenticator;
  /** Absent: everything is allowed (AlwaysAllow). */
  authorizer?: Authorizer;
  /** Let requests with no credentials through as system:anonymous (then authorization decides). Default false. */
  anonymous?: boolean;
  admission?: AdmissionPlugin[];
  audit?: AuditSink;
}

/** The identity of requests when no authenticator is configured, and of the server's own writes. */
export const SUPERUSER: UserInfo = Object.freeze({ username: 'system:admin', groups: ['system:masters', 'system:authenticated'] }) as UserInfo;
export const ANONYMOUS: UserInfo = Object.freeze({ username: 'system:anonymous', groups: ['system:unauthenticated'] }) as UserInfo;

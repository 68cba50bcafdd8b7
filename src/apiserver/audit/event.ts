// An audit.k8s.io/v1 Event built from what the server reports about a finished request.
import type { AuditRecord } from '../auth/types.js';
import type { AuditLevel, AuditStage } from './policy.js';

export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: AuditLevel;
  auditID: string;
  stage: AuditStage;
  requestURI: string;
  verb: string;
  user: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  sourceIPs: string[];
  userAgent?: string;
  objectRef?: { resource?: string; namespace?: string; name?: string; apiGroup?: string; apiVersion?: string; subresource?: string };
  responseStatus?: { metadata: Record<string, never>; code: number; status?: string; message?: string };
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

/** RFC 3339 with microseconds, as Kubernetes' metav1.MicroTime is written. */
export function microTime(ms: number): string {
  const iso = new Date(Math.floor(ms)).toISOString(); // 2026-01-02T03:04:05.678Z
  const micros = String(Math.round((ms - Math.floor(ms)) * 1000)).padStart(3, '0');
  return `${iso.slice(0, -1)}${micros}Z`;
}

export function auditEvent(r: AuditRecord, level: AuditLevel, stage: AuditStage): AuditEvent {
  const a = r.attrs;
  const ev: AuditEvent = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level,
    auditID: r.auditID,
    stage,
    requestURI: r.requestURI,
    verb: r.verb,
    user: r.user ? { username: r.user.username, ...(r.user.uid ? { uid: r.user.uid } : {}), groups: r.user.groups, ...(r.user.extra ? { extra: r.user.extra } : {}) } : {},
    sourceIPs: r.sourceIPs,
    ...(r.userAgent ? { userAgent: r.userAgent } : {}),
    requestReceivedTimestamp: microTime(r.received),
    stageTimestamp: microTime(stage === 'RequestReceived' ? r.received : r.completed),
  };
  if (a?.resourceRequest) {
    ev.objectRef = {
      resource: a.resource,
      ...(a.namespace ? { namespace: a.namespace } : {}),
      ...(a.name ? { name: a.name } : {}),
      ...(a.apiGroup ? { apiGroup: a.apiGroup } : {}),
      apiVersion: a.apiVersion,
      ...(a.subresource ? { subresource: a.subresource } : {}),
    };
  }
  if (stage !== 'RequestReceived') {
    ev.responseStatus = { metadata: {}, code: r.code };
    if (r.code === 401) Object.assign(ev.responseStatus, { status: 'Failure', message: 'Authentication failed' });
  }
  if (level === 'Request' || level === 'RequestResponse') {
    if (r.requestObject !== undefined) ev.requestObject = r.requestObject;
  }
  if (level === 'RequestResponse' && stage !== 'RequestReceived' && r.responseObject !== undefined) ev.responseObject = r.responseObject;
  const annotations: Record<string, string> = { ...(r.annotations ?? {}) };
  if (r.decision) {
    annotations['authorization.k8s.io/decision'] = r.decision.allowed ? 'allow' : 'forbid';
    annotations['authorization.k8s.io/reason'] = r.decision.reason ?? '';
  }
  if (Object.keys(annotations).length) ev.annotations = annotations;
  return ev;
}

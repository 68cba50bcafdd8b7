// The audit log: kube-apiserver's --audit-policy-file and --audit-log-path for k8ts.
export { fileAuditSink, eventsFor, type FileAuditSinkOptions } from './file-sink.js';
export { loadAuditPolicy, parseAuditPolicy, evaluatePolicy, ruleMatches, METADATA_POLICY, type AuditPolicy, type PolicyRule, type AuditLevel, type AuditStage } from './policy.js';
export { auditEvent, microTime, type AuditEvent } from './event.js';

// Test fixture: a hand-written fragment of k8s.io/api core/v1 generated.proto (real field
// numbers, Go's embedded structs as their own messages), so tests can produce the protobuf bytes a
// Go client sends for a pod independently of our schemas.
import protobuf from 'protobufjs';
import { PROTOBUF_MAGIC } from './decode.js';

export const POD_PROTO = `
syntax = "proto2";
package k8s.io.api.core.v1;
message ObjectMeta { optional string name = 1; optional string namespace = 3; map<string, string> labels = 11; }
message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }
message HTTPHeader { optional string name = 1; optional string value = 2; }
message HTTPGetAction { optional string path = 1; optional IntOrString port = 2; optional string host = 3; optional string scheme = 4; repeated HTTPHeader httpHeaders = 5; }
message ExecAction { repeated string command = 1; }
message TCPSocketAction { optional IntOrString port = 1; optional string host = 2; }
message ProbeHandler { optional ExecAction exec = 1; optional HTTPGetAction httpGet = 2; optional TCPSocketAction tcpSocket = 3; }
message Probe { optional ProbeHandler handler = 1; optional int32 initialDelaySeconds = 2; optional int32 timeoutSeconds = 3; optional int32 periodSeconds = 4; optional int32 successThreshold = 5; optional int32 failureThreshold = 6; }
message VolumeMount { optional string name = 1; optional bool readOnly = 2; optional string mountPath = 3; }
message Container { optional string name = 1; optional string image = 2; repeated VolumeMount volumeMounts = 9; optional Probe livenessProbe = 10; optional Probe readinessProbe = 11; }
message LocalObjectReference { optional string name = 1; }
message KeyToPath { optional string key = 1; optional string path = 2; optional int32 mode = 3; }
message ConfigMapVolumeSource { optional LocalObjectReference localObjectReference = 1; repeated KeyToPath items = 2; optional int32 defaultMode = 3; optional bool optional = 4; }
message EmptyDirVolumeSource { optional string medium = 1; }
message VolumeSource { optional EmptyDirVolumeSource emptyDir = 2; optional ConfigMapVolumeSource configMap = 19; }
message Volume { optional string name = 1; optional VolumeSource volumeSource = 2; }
message PodSpec { repeated Volume volumes = 1; repeated Container containers = 2; optional string restartPolicy = 3; }
message Pod { optional ObjectMeta metadata = 1; optional PodSpec spec = 2; }
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; optional string contentEncoding = 3; optional string contentType = 4; }
`;

export const podProtoRoot = protobuf.parse(POD_PROTO).root;
const PodMsg = podProtoRoot.lookupType('k8s.io.api.core.v1.Pod');
export const UnknownMsg = podProtoRoot.lookupType('k8s.io.api.core.v1.Unknown');

/** A pod (in the .proto's nested shape: `handler`, `volumeSource`, IntOrString messages) as a
 *  `k8s\0` + runtime.Unknown body. */
export function encodePodProtobuf(pod: Record<string, unknown>): Buffer {
  const raw = PodMsg.encode(PodMsg.fromObject(pod)).finish();
  const env = UnknownMsg.encode(UnknownMsg.fromObject({ typeMeta: { apiVersion: 'v1', kind: 'Pod' }, raw, contentEncoding: '', contentType: '' })).finish();
  return Buffer.concat([PROTOBUF_MAGIC, Buffer.from(env)]);
}


// autoscaling/v1 Scale: the body of every `/scale` subresource (k8s.io/api/autoscaling/v1/generated.proto).
import { type Static, opt, req, str, int32, object } from '../../schema.js';
import { use, ObjectMeta, typeMetaProps } from '../../meta/v1/types.js';

const AUTOSCALING = 'io.k8s.api.autoscaling.v1';

export const ScaleSpec = object(`${AUTOSCALING}.ScaleSpec`, {
  replicas: opt(1, int32()),
}, 'ScaleSpec describes the attributes of a scale subresource.');
export type ScaleSpec = Static<typeof ScaleSpec>;

export const ScaleStatus = object(`${AUTOSCALING}.ScaleStatus`, {
  replicas: req(1, int32()),
  selector: opt(2, str()),
}, 'ScaleStatus represents the current status of a scale subresource.');
export type ScaleStatus = Static<typeof ScaleStatus>;

export const Scale = object(`${AUTOSCALING}.Scale`, {
  ...typeMetaProps(),
  metadata: opt(1, use(ObjectMeta)),
  spec: opt(2, use(ScaleSpec)),
  status: opt(3, use(ScaleStatus)),
}, 'Scale represents a scaling request for a resource.');
export type Scale = Static<typeof Scale>;

export const SCALE_API_VERSION = 'autoscaling/v1';

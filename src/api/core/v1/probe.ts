// Probes and lifecycle hooks (core/v1 Probe, ProbeHandler, LifecycleHandler, Lifecycle).
// `Probe` embeds `ProbeHandler` at field 1, so the handler actions carry x-pb-embed 1.
import { type Static, opt, str, int32, int64, intOrString, atomicList, object } from '../../schema.js';
import { use } from '../../meta/v1/types.js';
import { emb } from './pb-embed.js';

const CORE = 'io.k8s.api.core.v1';

export const ExecAction = object(`${CORE}.ExecAction`, { command: opt(1, atomicList(str())) }, 'ExecAction describes a "run in container" action.');
export const HTTPHeader = object(`${CORE}.HTTPHeader`, { name: opt(1, str()), value: opt(2, str()) }, 'HTTPHeader describes a custom header to be used in HTTP probes');
export const HTTPGetAction = object(`${CORE}.HTTPGetAction`, {
  path: opt(1, str()),
  port: opt(2, intOrString()),
  host: opt(3, str()),
  scheme: opt(4, str()),
  httpHeaders: opt(5, atomicList(use(HTTPHeader))),
}, 'HTTPGetAction describes an action based on HTTP Get requests.');
export const TCPSocketAction = object(`${CORE}.TCPSocketAction`, { port: opt(1, intOrString()), host: opt(2, str()) }, 'TCPSocketAction describes an action based on opening a socket');
export const GRPCAction = object(`${CORE}.GRPCAction`, { port: opt(1, int32()), service: opt(2, str()) }, 'GRPCAction specifies an action involving a GRPC service.');
export const SleepAction = object(`${CORE}.SleepAction`, { seconds: opt(1, int64()) }, 'SleepAction describes a "sleep" action.');

export const Probe = object(`${CORE}.Probe`, {
  exec: emb(1, 1, use(ExecAction)),
  httpGet: emb(1, 2, use(HTTPGetAction)),
  tcpSocket: emb(1, 3, use(TCPSocketAction)),
  grpc: emb(1, 4, use(GRPCAction)),
  initialDelaySeconds: opt(2, int32()),
  timeoutSeconds: opt(3, int32()),
  periodSeconds: opt(4, int32()),
  successThreshold: opt(5, int32()),
  failureThreshold: opt(6, int32()),
  terminationGracePeriodSeconds: opt(7, int64()),
}, 'Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic.');
export type Probe = Static<typeof Probe>;

export const LifecycleHandler = object(`${CORE}.LifecycleHandler`, {
  exec: opt(1, use(ExecAction)),
  httpGet: opt(2, use(HTTPGetAction)),
  tcpSocket: opt(3, use(TCPSocketAction)),
  sleep: opt(4, use(SleepAction)),
}, 'LifecycleHandler defines a specific action that should be taken in a lifecycle hook.');
export type LifecycleHandler = Static<typeof LifecycleHandler>;

export const Lifecycle = object(`${CORE}.Lifecycle`, {
  postStart: opt(1, use(LifecycleHandler)),
  preStop: opt(2, use(LifecycleHandler)),
  stopSignal: opt(3, str()),
}, 'Lifecycle describes actions that the management system should take in response to container lifecycle events.');
export type Lifecycle = Static<typeof Lifecycle>;

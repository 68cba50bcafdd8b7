// Shared shapes of the kubelet: what it is told about the machine, how it logs, and the API
// resources it touches (it reaches them only through the REST client).
import { resourceRef } from '../client/index.js';

export type KubeletLog = (msg: string, fields?: Record<string, unknown>) => void;

/** What the machine offers and how loaded it is: injected so tests decide capacity and pressure. */
export interface MachineInfo {
  hostname: string;
  cpuCores: number;
  memoryBytes: number;
  ephemeralStorageBytes: number;
  osImage: string;
  kernelVersion: string;
  architecture: string;
  operatingSystem: string;
  machineID: string;
  systemUUID: string;
  bootID: string;
  /** Current availability, read each status update. */
  sample(): MachineSample;
}

export interface MachineSample {
  memoryAvailableBytes: number;
  diskAvailableBytes: number;
  diskCapacityBytes: number;
  pidsInUse: number;
  pidsMax: number;
}

export const PODS = resourceRef('', 'v1', 'pods', true);
export const NODES = resourceRef('', 'v1', 'nodes', false);
export const CONFIGMAPS = resourceRef('', 'v1', 'configmaps', true);
export const SECRETS = resourceRef('', 'v1', 'secrets', true);
export const SERVICES = resourceRef('', 'v1', 'services', true);

export const KUBELET_VERSION = 'v1.32.0-k8ts';

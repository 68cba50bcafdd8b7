// Security settings shared by the pod-level and container-level security contexts.
import { Type, type Static, K8S_EXT, opt, str, bool, int64, atomicList, object } from '../../schema.js';
import { use } from '../../meta/v1/types.js';

const CORE = 'io.k8s.api.core.v1';

export const SELinuxOptions = object(`${CORE}.SELinuxOptions`, { user: opt(1, str()), role: opt(2, str()), type: opt(3, str()), level: opt(4, str()) }, 'SELinuxOptions are the labels to be applied to the container');
export const WindowsSecurityContextOptions = object(`${CORE}.WindowsSecurityContextOptions`, {
  gmsaCredentialSpecName: opt(1, str()), gmsaCredentialSpec: opt(2, str()), runAsUserName: opt(3, str()), hostProcess: opt(4, bool()),
}, 'WindowsSecurityContextOptions contain Windows-specific options and credentials.');
export const SeccompProfile = object(`${CORE}.SeccompProfile`, { type: opt(1, str()), localhostProfile: opt(2, str()) }, "SeccompProfile defines a pod/container's seccomp profile settings.");
export const AppArmorProfile = object(`${CORE}.AppArmorProfile`, { type: opt(1, str()), localhostProfile: opt(2, str()) }, "AppArmorProfile defines a pod or container's AppArmor settings.");
export const Capabilities = object(`${CORE}.Capabilities`, { add: opt(1, atomicList(str())), drop: opt(2, atomicList(str())) }, 'Adds and removes POSIX capabilities from running containers.');
export const Ulimit = object(`${CORE}.Ulimit`, { name: opt(1, str()), hard: opt(2, int64()), soft: opt(3, int64()) }, 'Ulimit corresponds to a ulimit setting on a Linux system.');
export const Sysctl = object(`${CORE}.Sysctl`, { name: opt(1, str()), value: opt(2, str()) }, 'Sysctl defines a kernel parameter to be set');

export const SecurityContext = object(`${CORE}.SecurityContext`, {
  capabilities: opt(1, use(Capabilities)),
  privileged: opt(2, bool()),
  seLinuxOptions: opt(3, use(SELinuxOptions)),
  windowsOptions: opt(10, use(WindowsSecurityContextOptions)),
  runAsUser: opt(4, int64()),
  runAsGroup: opt(8, int64()),
  runAsNonRoot: opt(5, bool()),
  readOnlyRootFilesystem: opt(6, bool()),
  allowPrivilegeEscalation: opt(7, bool()),
  procMount: opt(9, str()),
  seccompProfile: opt(11, use(SeccompProfile)),
  appArmorProfile: opt(12, use(AppArmorProfile)),
  ulimits: opt(13, Type.Array(use(Ulimit), { [K8S_EXT.listType]: 'map', [K8S_EXT.listMapKeys]: ['name'] })),
}, 'SecurityContext holds security configuration that will be applied to a container.');
export type SecurityContext = Static<typeof SecurityContext>;

export const PodSecurityContext = object(`${CORE}.PodSecurityContext`, {
  seLinuxOptions: opt(1, use(SELinuxOptions)),
  windowsOptions: opt(8, use(WindowsSecurityContextOptions)),
  runAsUser: opt(2, int64()),
  runAsGroup: opt(6, int64()),
  runAsNonRoot: opt(3, bool()),
  supplementalGroups: opt(4, atomicList(int64())),
  supplementalGroupsPolicy: opt(12, str()),
  fsGroup: opt(5, int64()),
  sysctls: opt(7, atomicList(use(Sysctl))),
  fsGroupChangePolicy: opt(9, str()),
  seccompProfile: opt(10, use(SeccompProfile)),
  appArmorProfile: opt(11, use(AppArmorProfile)),
  seLinuxChangePolicy: opt(13, str()),
}, 'PodSecurityContext holds pod-level security attributes and common container settings.');
export type PodSecurityContext = Static<typeof PodSecurityContext>;

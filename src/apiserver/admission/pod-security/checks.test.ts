import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePod, formatViolations, type PodSpecView } from './checks.js';

const plain: PodSpecView = { containers: [{ name: 'nginx' }] };

test('a plain pod passes baseline and fails restricted with Kubernetes\' exact text', () => {
  assert.deepEqual(evaluatePod('baseline', {}, plain), []);
  assert.equal(formatViolations(evaluatePod('restricted', {}, plain)),
    'allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), ' +
    'unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), ' +
    'runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), ' +
    'seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');
});

test('a pod that follows the restricted profile passes it', () => {
  const spec: PodSpecView = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }],
    volumes: [{ name: 'v', configMap: { name: 'x' } }, { name: 'e', emptyDir: {} }],
  };
  assert.deepEqual(evaluatePod('restricted', {}, spec), []);
});

test('baseline refuses host namespaces, host ports, privileged containers, hostPath and extra capabilities', () => {
  const spec: PodSpecView = {
    hostNetwork: true, hostPID: true,
    containers: [
      { name: 'a', ports: [{ hostPort: 80 }], securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN', 'CHOWN'] } } },
      { name: 'b', ports: [{ hostPort: 443 }] },
    ],
    volumes: [{ name: 'root', hostPath: { path: '/' } }],
  };
  assert.equal(formatViolations(evaluatePod('baseline', {}, spec)),
    'non-default capabilities (container "a" must not include "NET_ADMIN" in securityContext.capabilities.add), ' +
    'host namespaces (hostNetwork=true, hostPID=true), hostPath volumes (volume "root"), ' +
    'hostPort (containers "a", "b" use hostPorts 443, 80), privileged (container "a" must not set securityContext.privileged=true)');
});

test('restricted replaces the baseline volume, capability and seccomp checks with its own', () => {
  const spec: PodSpecView = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } },
    containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false, runAsUser: 0, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } } }],
    volumes: [{ name: 'h', hostPath: { path: '/' } }],
  };
  assert.equal(formatViolations(evaluatePod('restricted', {}, spec)),
    'unrestricted capabilities (container "c" must not include "SYS_ADMIN" in securityContext.capabilities.add), ' +
    'restricted volume types (volume "h" uses restricted volume type "hostPath"), ' +
    'runAsUser=0 (container "c" must not set runAsUser=0), ' +
    'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")');
});

test('seccomp Unconfined, SELinux user and unsafe sysctls break baseline', () => {
  const spec: PodSpecView = {
    securityContext: { sysctls: [{ name: 'kernel.msgmax' }], seLinuxOptions: { user: 'root', type: 'spc_t' } },
    containers: [{ name: 'c', securityContext: { seccompProfile: { type: 'Unconfined' } } }],
  };
  assert.equal(formatViolations(evaluatePod('baseline', {}, spec)),
    'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set), ' +
    'seccompProfile (container "c" must not set securityContext.seccompProfile.type to "Unconfined"), forbidden sysctls (kernel.msgmax)');
});

test('privileged allows anything', () => {
  assert.deepEqual(evaluatePod('privileged', {}, { hostNetwork: true, containers: [{ name: 'x', securityContext: { privileged: true } }] }), []);
});

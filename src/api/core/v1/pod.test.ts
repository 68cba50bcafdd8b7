import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { podDef, PodSchema, type Pod } from './pod.js';
import { defaultImagePullPolicy } from './pod-defaults.js';
import { podQOSClass } from './pod-qos.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

function pod(spec: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'p1', namespace: 'default', creationTimestamp: '2024-05-01T11:57:00Z' },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25' }], ...spec },
    ...extra,
  } as Pod;
}

function created(p: Pod): Pod {
  podDef.defaults!(p);
  podDef.prepareForCreate!(p);
  return p;
}

function messages(p: Pod): string[] {
  return podDef.validate!(p).map((e) => `${e.field}: ${e.message}`);
}

test('pod defaults fill the PodSpec and container defaults Kubernetes applies', () => {
  const p = created(pod({ containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }], livenessProbe: { httpGet: { port: 80 } } }] }));
  const s = p.spec!;
  assert.equal(s.restartPolicy, 'Always');
  assert.equal(s.terminationGracePeriodSeconds, 30);
  assert.equal(s.dnsPolicy, 'ClusterFirst');
  assert.equal(s.schedulerName, 'default-scheduler');
  assert.deepEqual(s.securityContext, {});
  assert.equal(s.enableServiceLinks, true);
  const c = s.containers![0];
  assert.equal(c.imagePullPolicy, 'Always');
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
  assert.equal(c.ports![0].protocol, 'TCP');
  assert.deepEqual(c.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
});

test('image pull policy is Always only for latest or untagged images', () => {
  assert.equal(defaultImagePullPolicy('nginx'), 'Always');
  assert.equal(defaultImagePullPolicy('nginx:latest'), 'Always');
  assert.equal(defaultImagePullPolicy('registry:5000/team/app'), 'Always');
  assert.equal(defaultImagePullPolicy('registry:5000/team/app:1.0'), 'IfNotPresent');
  assert.equal(defaultImagePullPolicy('nginx@sha256:abcd'), 'IfNotPresent');
});

test('volumes without a source default to emptyDir and file volumes get mode 0644', () => {
  const p = created(pod({ volumes: [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'c' } }] }));
  assert.deepEqual(p.spec!.volumes![0].emptyDir, {});
  assert.equal(p.spec!.volumes![1].configMap!.defaultMode, 420);
});

test('limits without requests default the requests and decide the QoS class', () => {
  const p = created(pod({ containers: [{ name: 'app', image: 'x', resources: { limits: { cpu: '500m', memory: '128Mi' } } }] }));
  assert.deepEqual(p.spec!.containers![0].resources!.requests, { cpu: '500m', memory: '128Mi' });
  assert.equal(p.status!.qosClass, 'Guaranteed');
  assert.equal(p.status!.phase, 'Pending');
  assert.equal(podQOSClass({ containers: [{ name: 'a' }] }), 'BestEffort');
  assert.equal(podQOSClass({ containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }] }), 'Burstable');
});

test('creating a pod discards any status the client sent', () => {
  const p = created(pod({}, { status: { phase: 'Running', podIP: '10.0.0.9' } }));
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'BestEffort' });
});

test('a valid defaulted pod has no validation errors', () => {
  assert.deepEqual(messages(created(pod())), []);
});

test('rejects a pod without containers', () => {
  assert.deepEqual(messages(created(pod({ containers: [] }))), ['spec.containers: Required value']);
});

test('rejects a container without an image', () => {
  assert.deepEqual(messages(created(pod({ containers: [{ name: 'app' }] }))), ['spec.containers[0].image: Required value']);
});

test('rejects container names that are not DNS labels or are duplicated', () => {
  const errs = messages(created(pod({ containers: [{ name: 'App_1', image: 'x' }, { name: 'b', image: 'x' }], initContainers: [{ name: 'b', image: 'x' }] })));
  assert.equal(errs.length, 2);
  assert.match(errs[0], /^spec\.containers\[0\]\.name: Invalid value: "App_1": a lowercase RFC 1123 label must consist of/);
  assert.equal(errs[1], 'spec.initContainers[0].name: Duplicate value: "b"');
});

test('rejects out-of-range ports, duplicate port names and unknown protocols', () => {
  const errs = messages(created(pod({ containers: [{ name: 'app', image: 'x', ports: [
    { name: 'web', containerPort: 70000 }, { name: 'web', containerPort: 81, protocol: 'HTTP' },
  ] }] })));
  assert.deepEqual(errs, [
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[1].name: Duplicate value: "web"',
    'spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
  ]);
});

test('rejects bad env var names and a valueFrom with no source', () => {
  const errs = messages(created(pod({ containers: [{ name: 'app', image: 'x', env: [{ name: '1BAD', value: 'v' }, { name: 'OK', valueFrom: {} }] }] })));
  assert.equal(errs.length, 2);
  assert.match(errs[0], /^spec\.containers\[0\]\.env\[0\]\.name: Invalid value: "1BAD": a valid environment variable name must consist of/);
  assert.equal(errs[1], 'spec.containers[0].env[1].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`');
});

test('rejects duplicate volume names and mounts of volumes that do not exist', () => {
  const errs = messages(created(pod({
    volumes: [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }],
    containers: [{ name: 'app', image: 'x', volumeMounts: [{ name: 'missing', mountPath: '/m' }] }],
  })));
  assert.deepEqual(errs, [
    'spec.volumes[1].name: Duplicate value: "data"',
    'spec.containers[0].volumeMounts[0].name: Not found: "missing"',
  ]);
});

test('rejects a volume with two sources', () => {
  const errs = messages(created(pod({ volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/tmp' } }] })));
  assert.deepEqual(errs, ['spec.volumes[0].emptyDir: Forbidden: may not specify more than 1 volume type']);
});

test('rejects an unknown restartPolicy with the supported values', () => {
  assert.deepEqual(messages(created(pod({ restartPolicy: 'Sometimes' }))), ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']);
});

test('rejects requests above limits', () => {
  const errs = messages(created(pod({ containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] })));
  assert.deepEqual(errs, ['spec.containers[0].resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1']);
});

test('rejects probes without a handler and liveness probes with successThreshold above 1', () => {
  const errs = messages(created(pod({ containers: [{ name: 'app', image: 'x', readinessProbe: { periodSeconds: 5 }, livenessProbe: { exec: { command: ['true'] }, successThreshold: 2 } }] })));
  assert.deepEqual(errs, [
    'spec.containers[0].readinessProbe: Required value: must specify a handler type',
    'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
  ]);
});

test('rejects a toleration with Exists and a value', () => {
  const errs = messages(created(pod({ tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] })));
  assert.deepEqual(errs, ['spec.tolerations[0].operator: Invalid value: "v": value must be empty when `operator` is \'Exists\'']);
});

test('pod updates may change images, lower activeDeadlineSeconds and add tolerations', () => {
  const old = created(pod({ activeDeadlineSeconds: 100, tolerations: [{ key: 'a', operator: 'Exists' }] }));
  const next = structuredClone(old);
  next.spec!.containers![0].image = 'nginx:1.26';
  next.spec!.activeDeadlineSeconds = 50;
  next.spec!.tolerations!.push({ key: 'b', operator: 'Exists' });
  podDef.defaults!(next);
  assert.deepEqual(podDef.validateUpdate!(next, old), []);
});

test('pod updates that change other spec fields are forbidden with the Kubernetes message', () => {
  const old = created(pod());
  const next = structuredClone(old);
  next.spec!.containers![0].env = [{ name: 'A', value: '1' }];
  const errs = podDef.validateUpdate!(next, old);
  assert.equal(errs.length, 1);
  assert.equal(errs[0].field, 'spec');
  assert.equal(errs[0].type, 'FieldValueForbidden');
  assert.ok(errs[0].message.startsWith('Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n'), errs[0].message);
});

test('pod updates may not raise activeDeadlineSeconds or remove tolerations', () => {
  const old = created(pod({ activeDeadlineSeconds: 100, tolerations: [{ key: 'a', operator: 'Exists' }] }));
  const next = structuredClone(old);
  next.spec!.activeDeadlineSeconds = 200;
  assert.deepEqual(podDef.validateUpdate!(next, old).map((e) => `${e.field}: ${e.message}`), ['spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value']);
  const next2 = structuredClone(old);
  next2.spec!.tolerations = [];
  assert.deepEqual(podDef.validateUpdate!(next2, old).map((e) => `${e.field}: ${e.message}`), ['spec.tolerations[0]: Forbidden: existing toleration can not be modified except its tolerationSeconds']);
});

test('updating a pod keeps the stored status', () => {
  const old = created(pod());
  old.status = { phase: 'Running', podIP: '10.1.0.5' };
  const next = structuredClone(old);
  next.status = { phase: 'Failed' };
  podDef.prepareForUpdate!(next, old);
  assert.deepEqual(next.status, { phase: 'Running', podIP: '10.1.0.5' });
});

test('table rows show READY, STATUS, RESTARTS and AGE as kubectl prints them', () => {
  const p = created(pod());
  assert.deepEqual(podDef.table!.cells(p, NOW), ['0/1', 'Pending', '0', '3m', '<none>', '<none>', '<none>', '<none>']);
  p.spec!.nodeName = 'node-1';
  p.status = {
    phase: 'Running', podIPs: [{ ip: '10.1.0.5' }],
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'app', ready: true, restartCount: 2, state: { running: { startedAt: '2024-05-01T11:59:00Z' } }, lastState: { terminated: { exitCode: 1, finishedAt: '2024-05-01T11:58:55Z' } } }],
  };
  assert.deepEqual(podDef.table!.cells(p, NOW), ['1/1', 'Running', '2 (65s ago)', '3m', '10.1.0.5', 'node-1', '<none>', '<none>']);
});

test('table STATUS shows waiting reasons, Completed, init progress and Terminating', () => {
  const p = created(pod());
  p.status = { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] };
  assert.equal(podDef.table!.cells(p, NOW)[1], 'ContainerCreating');
  p.status = { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }] };
  assert.equal(podDef.table!.cells(p, NOW)[1], 'CrashLoopBackOff');
  p.status = { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] };
  assert.equal(podDef.table!.cells(p, NOW)[1], 'Completed');
  const withInit = created(pod({ initContainers: [{ name: 'init', image: 'busybox' }] }));
  withInit.status = { phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: { running: {} } }] };
  assert.equal(podDef.table!.cells(withInit, NOW)[1], 'Init:0/1');
  p.metadata.deletionTimestamp = '2024-05-01T11:59:59Z';
  p.status = { phase: 'Running' };
  assert.equal(podDef.table!.cells(p, NOW)[1], 'Terminating');
});

test('field selectors read node, phase, IP and the other pod fields', () => {
  const p = created(pod({ nodeName: 'n1', serviceAccountName: 'sa' }));
  p.status = { phase: 'Running', podIPs: [{ ip: '10.0.0.3' }], podIP: '10.0.0.3' };
  const f = podDef.fieldSelectors!;
  assert.equal(f['spec.nodeName'](p), 'n1');
  assert.equal(f['spec.restartPolicy'](p), 'Always');
  assert.equal(f['spec.schedulerName'](p), 'default-scheduler');
  assert.equal(f['spec.serviceAccountName'](p), 'sa');
  assert.equal(f['status.phase'](p), 'Running');
  assert.equal(f['status.podIP'](p), '10.0.0.3');
  assert.equal(f['status.nominatedNodeName'](p), '');
});

test('pods are po in the all category with status and binding subresources', () => {
  assert.deepEqual(podDef.shortNames, ['po']);
  assert.deepEqual(podDef.categories, ['all']);
  assert.deepEqual(podDef.subresources, { status: true, binding: true });
});

test('a full real-world pod manifest decodes with no unknown fields and validates', () => {
  const manifest = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web', namespace: 'prod', labels: { app: 'web' }, annotations: { 'a/b': 'c' } },
    spec: {
      serviceAccountName: 'web', automountServiceAccountToken: false, priorityClassName: 'high', hostname: 'web-0', subdomain: 'web',
      shareProcessNamespace: true, enableServiceLinks: false, setHostnameAsFQDN: false, hostUsers: true, runtimeClassName: 'runc',
      preemptionPolicy: 'PreemptLowerPriority', os: { name: 'linux' }, nodeSelector: { 'kubernetes.io/os': 'linux' },
      schedulingGates: [{ name: 'example.com/gate' }], readinessGates: [{ conditionType: 'example.com/ready' }],
      dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['svc.local'], options: [{ name: 'ndots', value: '2' }] },
      hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local'] }], imagePullSecrets: [{ name: 'regcred' }],
      securityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000, runAsNonRoot: true, supplementalGroups: [3000], fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] },
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } }],
        },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' } }] },
      },
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } }, matchLabelKeys: ['pod-template-hash'] }],
      terminationGracePeriodSeconds: 60, activeDeadlineSeconds: 3600, overhead: { cpu: '10m' },
      resourceClaims: [{ name: 'gpu', resourceClaimTemplateName: 'gpu-template' }],
      volumes: [
        { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
        { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
        { name: 'cfg', configMap: { name: 'web-config', items: [{ key: 'a', path: 'a.conf', mode: 0o400 }], optional: true } },
        { name: 'sec', secret: { secretName: 'web-secret', defaultMode: 0o440 } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'cpu', resourceFieldRef: { containerName: 'web', resource: 'limits.cpu', divisor: '1m' } }] } },
        { name: 'proj', projected: { sources: [
          { serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { secret: { name: 's', optional: true } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ] } },
        { name: 'data', persistentVolumeClaim: { claimName: 'web-data', readOnly: false } },
        { name: 'share', nfs: { server: 'nfs.local', path: '/exports', readOnly: true } },
        { name: 'scratch', ephemeral: { volumeClaimTemplate: { metadata: { labels: { a: 'b' } }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } } } } },
        { name: 'csi', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { a: 'b' } } },
      ],
      initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'true'], volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] },
        { name: 'sidecar', image: 'envoy:1.30', restartPolicy: 'Always', startupProbe: { tcpSocket: { port: 9901 } } }],
      containers: [{
        name: 'web', image: 'registry.example.com/web:2.1', imagePullPolicy: 'IfNotPresent', command: ['/web'], args: ['--port=8080'], workingDir: '/srv',
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, hostPort: 9090, hostIP: '0.0.0.0' }],
        envFrom: [{ configMapRef: { name: 'web-env' } }, { prefix: 'S_', secretRef: { name: 'web-secret', optional: true } }],
        env: [
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
          { name: 'CFG', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'a', optional: true } } },
          { name: 'PASS', valueFrom: { secretKeyRef: { name: 'web-secret', key: 'password' } } },
          { name: 'PLAIN', value: 'x' },
        ],
        resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: 1, memory: '128Mi' }, claims: [{ name: 'gpu' }] },
        resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
        volumeMounts: [
          { name: 'tmp', mountPath: '/tmp' }, { name: 'cfg', mountPath: '/etc/web', readOnly: true }, { name: 'sec', mountPath: '/secrets', subPath: 'x' },
          { name: 'info', mountPath: '/info' }, { name: 'proj', mountPath: '/var/run/secrets/tokens' }, { name: 'data', mountPath: '/data', mountPropagation: 'None' },
          { name: 'share', mountPath: '/share', readOnly: true, recursiveReadOnly: 'IfPossible' }, { name: 'host', mountPath: '/host-logs', subPathExpr: '$(POD_NAME)' },
          { name: 'csi', mountPath: '/csi' },
        ],
        volumeDevices: [{ name: 'scratch', devicePath: '/dev/xvda' }],
        livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: '1' }] }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1, terminationGracePeriodSeconds: 10 },
        readinessProbe: { grpc: { port: 9090, service: 'ready' } },
        startupProbe: { exec: { command: ['cat', '/tmp/started'] }, failureThreshold: 30 },
        lifecycle: { postStart: { exec: { command: ['echo', 'hi'] } }, preStop: { sleep: { seconds: 5 } } },
        terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'FallbackToLogsOnError',
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }, seccompProfile: { type: 'RuntimeDefault' }, appArmorProfile: { type: 'RuntimeDefault' }, seLinuxOptions: { level: 's0:c1' } },
        stdin: true, stdinOnce: true, tty: true,
      }],
    },
  };
  const errors = [...Value.Errors(PodSchema, manifest)].map((e) => `${e.path}: ${e.message}`);
  assert.deepEqual(errors, []);
  const p = structuredClone(manifest) as unknown as Pod;
  podDef.defaults!(p);
  assert.deepEqual(messages(p), []);
  // An unknown field is rejected by the schema.
  const typo = structuredClone(manifest) as Record<string, any>;
  typo.spec.containers[0].imagee = 'x';
  assert.ok([...Value.Errors(PodSchema, typo)].length > 0);
});

test('ephemeral containers cannot be set when a pod is created', () => {
  assert.deepEqual(messages(created(pod({ ephemeralContainers: [{ name: 'debug', image: 'busybox' }] }))), ['spec.ephemeralContainers: Forbidden: cannot be set on create']);
});

test('a negative termination grace period is stored as 1', () => {
  assert.equal(created(pod({ terminationGracePeriodSeconds: -5 })).spec!.terminationGracePeriodSeconds, 1);
});

test('host-network pods get host ports equal to their container ports', () => {
  const p = created(pod({ hostNetwork: true, containers: [{ name: 'app', image: 'x', ports: [{ containerPort: 8080 }] }] }));
  assert.equal(p.spec!.containers![0].ports![0].hostPort, 8080);
});

test('rejects resource names that are not container resources', () => {
  const errs = messages(created(pod({ containers: [{ name: 'app', image: 'x', resources: { requests: { storage: '1Gi' } } }] })));
  assert.deepEqual(errs, ['spec.containers[0].resources.requests[storage]: Invalid value: "storage": must be a standard resource for containers']);
});

test('rejects two containers claiming the same host port', () => {
  const errs = messages(created(pod({ containers: [
    { name: 'a', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }] },
    { name: 'b', image: 'x', ports: [{ containerPort: 81, hostPort: 8080 }] },
  ] })));
  assert.deepEqual(errs, ['spec.containers[1].ports[0].hostPort: Duplicate value: "/TCP/8080"']);
});

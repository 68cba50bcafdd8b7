// The manifests the scenarios apply: one namespace holding a ConfigMap, a Service, a
// ReplicationController and a Deployment; the second version changes fields and drops a container.

export function appManifest(ns: string, opts: { color: string; image: string; sidecar: boolean }): string {
  const sidecar = opts.sidecar
    ? `      - name: sidecar
        image: busybox:1.36
        command: ["sleep", "3600"]
`
    : '';
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${ns}
  labels: {app: web}
data:
  color: ${opts.color}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
  labels: {app: web}
spec:
  selector: {app: web}
  ports:
  - name: http
    port: 80
    targetPort: 8080
---
apiVersion: v1
kind: ReplicationController
metadata:
  name: web-rc
  namespace: ${ns}
  labels: {app: web}
spec:
  replicas: 2
  selector: {app: web-rc}
  template:
    metadata:
      labels: {app: web-rc}
    spec:
      containers:
      - name: main
        image: ${opts.image}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  labels: {app: web}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: main
        image: ${opts.image}
${sidecar}`;
}

export function configMapManifest(ns: string, name: string, data: Record<string, string>): string {
  const lines = Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`).join('\n');
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: ${ns}
data:
${lines}
`;
}

/** A two-replica Deployment of the pause image (kwok runs it) named `name`; with `configMap`, it reads its environment from it. */
export function deploymentManifest(name: string, configMap?: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: 2
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: app
          image: registry.k8s.io/pause:3.10
${configMap ? `          envFrom: [{ configMapRef: { name: ${configMap} } }]\n` : ''}`;
}

/** A small stack: a ConfigMap holding `setting`, a Deployment reading it and a Service in front. */
export function stackManifest(name: string, setting: string): string {
  return `apiVersion: v1
kind: ConfigMap
metadata: { name: ${name} }
data: { setting: "${setting}" }
---
${deploymentManifest(name, name)}---
apiVersion: v1
kind: Service
metadata: { name: ${name} }
spec:
  selector: { app: ${name} }
  ports: [{ port: 80 }]
`;
}

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import type { SandboxStatus } from '../../src/sandbox/index.js';
import { adminRequest, upsertOpenProject } from '../support/argoCdSandbox.js';
import { integrationSandboxEnv, sandbox } from '../support/sandbox.js';
import { realstacksChart, requireRealstacks } from '../support/realstacks.js';
import { repoRoot, toolPath } from '../support/tools.js';

const run = promisify(execFile);
const suffix = Date.now().toString(36);
const project = `charts-it-${suffix}`;
const application = `chart-it-${suffix}`;
const chartNamespace = `chart-it-${suffix}`;
const volumesNamespace = `volumes-it-${suffix}`;
const metricsNamespace = `metrics-it-${suffix}`;
const chartName = `hello-chart-${suffix}`;

let status: SandboxStatus;
let workDir = '';

/** kubectl with the sandbox's admin kubeconfig; resolves with the exit code and output, never rejects on a refusal. */
async function kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      toolPath('kubectl'),
      ['--kubeconfig', status.kubeconfig, ...args],
      { timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
        if (code === -1) reject(err);
        else resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

async function kubectlOk(args: string[], input?: string): Promise<string> {
  const result = await kubectl(args, input);
  assert.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** Polls until `check` returns a value, or fails with the last thing it saw. */
async function within<T>(what: string, limitMs: number, check: () => Promise<T | undefined>, seen: () => string): Promise<T> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(1_000);
  }
  throw new Error(`${what} within ${limitMs / 1000}s; last seen: ${seen()}`);
}

/** `helm template` of a chart folder with the real helm. */
async function helmTemplate(chart: string, namespace: string, ...sets: string[]): Promise<string> {
  const { stdout } = await run(
    toolPath('helm'),
    ['template', 'metrics-server', chart, '--namespace', namespace, ...sets.flatMap((set) => ['--set', set])],
    { timeout: 60_000 },
  );
  return stdout;
}

describe(
  'the sandbox runs real charts: Helm and Kustomize in Argo CD, a chart registry, no calls out of the machine, volumes',
  { concurrency: false },
  () => {
    before(async () => {
      for (const tool of ['helm', 'kustomize', 'registry', 'kubectl']) toolPath(tool);
      status = await sandbox();
      workDir = await mkdtemp(join(tmpdir(), 'baton-charts-it-'));
    });

    after(async () => {
      if (status) {
        await adminRequest(status, 'DELETE', `/api/v1/applications/${application}?cascade=true&propagationPolicy=foreground`).catch(
          () => {},
        );
        await adminRequest(status, 'DELETE', `/api/v1/projects/${project}`).catch(() => {});
        await kubectl(['delete', 'namespace', chartNamespace, volumesNamespace, metricsNamespace, '--ignore-not-found', '--wait=false']);
      }
      if (workDir) await rm(workDir, { recursive: true, force: true });
    });

    it("puts .tools/bin's helm and kustomize on Argo CD's PATH: /api/version reports v4.3.1 and v5.8.3", async () => {
      const version = (await adminRequest(status, 'GET', '/api/version')) as { HelmVersion?: string; KustomizeVersion?: string };
      assert.match(version.HelmVersion ?? '', /^v4\.3\.1(\+|$)/, JSON.stringify(version));
      assert.match(version.KustomizeVersion ?? '', /^v5\.8\.3( |$)/, JSON.stringify(version));
    });

    it('pushes a chart folder to the registry with baton sandbox push-chart, and Argo CD renders it from there', async () => {
      const chart = join(workDir, 'chart');
      await mkdir(join(chart, 'templates'), { recursive: true });
      await writeFile(join(chart, 'Chart.yaml'), stringify({ apiVersion: 'v2', name: chartName, version: '0.1.0' }));
      await writeFile(join(chart, 'values.yaml'), stringify({ greeting: 'from the registry' }));
      await writeFile(
        join(chart, 'templates/greeting.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
      );
      const { stdout } = await run('node', [join(repoRoot, 'bin/baton.js'), 'sandbox', 'push-chart', chart], {
        env: { ...process.env, ...integrationSandboxEnv },
        timeout: 120_000,
      });
      const repoURL = status.registry.repoURL;
      assert.match(repoURL, /^127\.0\.0\.1:\d+\/charts$/);
      assert.match(stdout, new RegExp(`^pushed ${chartName} 0\\.1\\.0 \\(sha256:[0-9a-f]{64}\\)$`, 'm'));
      assert.ok(stdout.includes(`source:\n  repoURL: ${repoURL}\n  chart: ${chartName}\n  targetRevision: 0.1.0\n`), stdout);

      await upsertOpenProject(status, project);
      await adminRequest(status, 'POST', '/api/v1/applications?upsert=true', {
        metadata: { name: application, namespace: 'argocd' },
        spec: {
          project,
          source: {
            repoURL,
            chart: chartName,
            targetRevision: '0.1.0',
            helm: { releaseName: 'greeting', valuesObject: { greeting: 'from a values object' } },
          },
          destination: { server: 'https://kubernetes.default.svc', namespace: chartNamespace },
          syncPolicy: { automated: { prune: true }, syncOptions: ['CreateNamespace=true'] },
        },
      });
      let view: { status?: { sync?: { status?: string }; health?: { status?: string }; conditions?: unknown[]; sourceType?: string } } = {};
      await within(
        'the chart Application Synced and Healthy',
        60_000,
        async () => {
          view = (await adminRequest(status, 'GET', `/api/v1/applications/${application}`)) as typeof view;
          return view.status?.sync?.status === 'Synced' && view.status.health?.status === 'Healthy' ? true : undefined;
        },
        () => JSON.stringify(view.status ?? {}).slice(0, 1000),
      );
      assert.equal(view.status?.sourceType, 'Helm');
      const greeting = await kubectlOk(['get', 'configmap', 'greeting', '-n', chartNamespace, '-o', 'jsonpath={.data.greeting}']);
      assert.equal(greeting, 'from a values object');
    });

    it('shows the registry in baton sandbox status and its log in baton sandbox logs registry', async () => {
      const env = { ...process.env, ...integrationSandboxEnv };
      const text = await run('node', [join(repoRoot, 'bin/baton.js'), 'sandbox', 'status'], { env, timeout: 60_000 });
      assert.match(text.stdout, /^ {2}registry +running {2}pid \d+ .+ http:\/\/127\.0\.0\.1:\d+$/m);
      assert.ok(
        text.stdout.includes(`charts      ${status.registry.url} (OCI, plain HTTP); a stack's source: repoURL ${status.registry.repoURL}`),
        text.stdout,
      );
      await run('node', [join(repoRoot, 'bin/baton.js'), 'sandbox', 'logs', 'registry'], { env, timeout: 60_000 });
    });

    describe('refuses what would make kube-apiserver call a Service (no pod runs in the sandbox), naming it and what turns it off', () => {
      const service = { namespace: 'cert-manager', name: 'cert-manager-webhook', path: '/validate' };
      const webhook = { name: 'webhook.cert-manager.io', admissionReviewVersions: ['v1'], sideEffects: 'None', clientConfig: { service } };
      const refusals: [kind: string, object: object, message: string][] = [
        [
          'ValidatingWebhookConfiguration',
          {
            apiVersion: 'admissionregistration.k8s.io/v1',
            kind: 'ValidatingWebhookConfiguration',
            metadata: { name: 'cert-manager-webhook' },
            webhooks: [webhook],
          },
          "ValidatingWebhookConfiguration cert-manager-webhook points at Service cert-manager/cert-manager-webhook; the sandbox runs no pods: disable the chart's webhook",
        ],
        [
          'MutatingWebhookConfiguration',
          {
            apiVersion: 'admissionregistration.k8s.io/v1',
            kind: 'MutatingWebhookConfiguration',
            metadata: { name: 'cert-manager-webhook' },
            webhooks: [webhook],
          },
          "MutatingWebhookConfiguration cert-manager-webhook points at Service cert-manager/cert-manager-webhook; the sandbox runs no pods: disable the chart's webhook",
        ],
        [
          'APIService',
          {
            apiVersion: 'apiregistration.k8s.io/v1',
            kind: 'APIService',
            metadata: { name: 'v1beta1.widgets.example.com' },
            spec: {
              group: 'widgets.example.com',
              version: 'v1beta1',
              groupPriorityMinimum: 100,
              versionPriority: 100,
              service: { namespace: 'widgets', name: 'widgets-api' },
            },
          },
          "APIService v1beta1.widgets.example.com points at Service widgets/widgets-api; the sandbox runs no pods: disable the chart's APIService",
        ],
        [
          'CustomResourceDefinition',
          {
            apiVersion: 'apiextensions.k8s.io/v1',
            kind: 'CustomResourceDefinition',
            metadata: { name: 'widgets.example.com' },
            spec: {
              group: 'example.com',
              names: { kind: 'Widget', plural: 'widgets' },
              scope: 'Namespaced',
              versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
              conversion: {
                strategy: 'Webhook',
                webhook: {
                  conversionReviewVersions: ['v1'],
                  clientConfig: { service: { namespace: 'widgets', name: 'widgets-conversion' } },
                },
              },
            },
          },
          "CustomResourceDefinition widgets.example.com converts through Service widgets/widgets-conversion; the sandbox runs no pods: disable the chart's conversion webhook",
        ],
      ];
      for (const [kind, object, message] of refusals) {
        it(kind, async () => {
          const refused = await kubectl(['apply', '--server-side', '-f', '-'], stringify(object));
          assert.notEqual(refused.code, 0, `${kind} was accepted`);
          assert.ok(refused.stderr.includes(message), refused.stderr);
          assert.match(refused.stderr, /ValidatingAdmissionPolicy 'sandbox-no-service-callouts'/);
        });
      }

      it('still lets the same kinds in without a Service: a webhook-less configuration, a CRD without conversion', async () => {
        const objects = [
          { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: `empty-${suffix}` } },
          {
            apiVersion: 'apiextensions.k8s.io/v1',
            kind: 'CustomResourceDefinition',
            metadata: { name: `gadgets${suffix}.example.com` },
            spec: {
              group: 'example.com',
              names: { kind: `Gadget${suffix}`, plural: `gadgets${suffix}` },
              scope: 'Namespaced',
              versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
            },
          },
        ];
        const text = objects.map((object) => stringify(object)).join('---\n');
        await kubectlOk(['apply', '--server-side', '-f', '-'], text);
        await kubectlOk(['delete', '-f', '-'], text);
      });

      it('metrics-server (the upstream chart, rendered by helm) is refused with its APIService, and applies with apiService.create=false', async () => {
        requireRealstacks();
        const metricsServerChart = await realstacksChart('metrics-server');
        await kubectlOk(['create', 'namespace', metricsNamespace]);
        const withApiService = await helmTemplate(metricsServerChart, metricsNamespace);
        const refused = await kubectl(['apply', '--server-side', '-f', '-'], withApiService);
        assert.notEqual(refused.code, 0);
        assert.ok(
          refused.stderr.includes(
            `APIService v1beta1.metrics.k8s.io points at Service ${metricsNamespace}/metrics-server; the sandbox runs no pods: disable the chart's APIService (metrics-server: apiService.create=false)`,
          ),
          refused.stderr,
        );
        // kubectl applied the rest: the APIService is the only thing refused.
        assert.equal((await kubectl(['get', 'apiservice', 'v1beta1.metrics.k8s.io'])).code, 1);

        const withoutApiService = await helmTemplate(metricsServerChart, metricsNamespace, 'apiService.create=false');
        assert.doesNotMatch(withoutApiService, /kind: APIService/);
        await kubectlOk(['apply', '--server-side', '-f', '-'], withoutApiService);
        const ready = await within(
          'metrics-server Available',
          60_000,
          async () => {
            const replicas = await kubectlOk([
              'get',
              'deployment',
              'metrics-server',
              '-n',
              metricsNamespace,
              '-o',
              'jsonpath={.status.availableReplicas}',
            ]);
            return replicas === '1' ? replicas : undefined;
          },
          () => 'availableReplicas not 1',
        );
        assert.equal(ready, '1');
        await kubectlOk(['delete', '-f', '-', '--wait=false'], withoutApiService);
      });
    });

    it("loads kwok's volume stages: a StatefulSet's claims are provisioned and bound, it goes Ready, and deleted claims take their volumes", async () => {
      const storageClass = await kubectlOk([
        'get',
        'storageclass',
        'kwok-volume',
        '-o',
        "jsonpath={.metadata.annotations['storageclass\\.kubernetes\\.io/is-default-class']}",
      ]);
      assert.equal(storageClass, 'true', 'kwok-volume is the default StorageClass');
      await kubectlOk(['create', 'namespace', volumesNamespace]);
      const statefulSet = {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db', namespace: volumesNamespace },
        spec: {
          replicas: 2,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: {
            metadata: { labels: { app: 'db' } },
            spec: {
              containers: [{ name: 'db', image: 'postgres:17', volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql' }] }],
            },
          },
          volumeClaimTemplates: [
            { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
          ],
        },
      };
      await kubectlOk(['apply', '--server-side', '-f', '-'], stringify(statefulSet));
      let seen = '';
      await within(
        'StatefulSet db with 2 ready replicas',
        90_000,
        async () => {
          seen = await kubectlOk(['get', 'statefulset', 'db', '-n', volumesNamespace, '-o', 'jsonpath={.status.readyReplicas}']);
          return seen === '2' ? true : undefined;
        },
        () => `readyReplicas ${seen || 0}`,
      );
      const claims = (
        await kubectlOk([
          'get',
          'pvc',
          '-n',
          volumesNamespace,
          '-o',
          'jsonpath={range .items[*]}{.metadata.name}={.status.phase},{.spec.storageClassName},{.spec.volumeName}{"\\n"}{end}',
        ])
      )
        .trim()
        .split('\n')
        .sort();
      assert.equal(claims.length, 2, claims.join('\n'));
      for (const [index, claim] of claims.entries()) assert.match(claim, new RegExp(`^data-db-${index}=Bound,kwok-volume,pvc-[0-9a-f-]+$`));
      const volumes = claims.map((claim) => claim.split(',')[2] ?? '');

      await kubectlOk(['delete', 'statefulset', 'db', '-n', volumesNamespace, '--wait=true']);
      await kubectlOk(['delete', 'pvc', '--all', '-n', volumesNamespace, '--wait=true', '--timeout=60s']);
      await within(
        "the claims' volumes deleted",
        60_000,
        async () => {
          const left = await kubectlOk(['get', 'pv', ...volumes, '--ignore-not-found', '-o', 'name']);
          return left.trim() === '' ? true : undefined;
        },
        () => volumes.join(', '),
      );
    });
  },
);

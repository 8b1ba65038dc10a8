import { applyObjects } from './argocd.js';
import type { SandboxConfig } from './config.js';
import type { SandboxLayout } from './layout.js';

/**
 * kube-apiserver calls admission webhooks, CRD conversion webhooks and aggregated APIServices at their
 * Service's cluster IP (10.x). No pod runs in the sandbox, so that traffic would leave the machine: the
 * cluster refuses such objects with a ValidatingAdmissionPolicy, which kube-apiserver evaluates itself
 * (CEL, no webhook). Each refusal names the object, the Service and the chart setting that turns it off.
 * Deleting such objects stays allowed. URL-configured webhooks (clientConfig.url) are not matched.
 */
const policyName = 'sandbox-no-service-callouts';

/** The reason every refusal gives. */
const noPods = 'the sandbox runs no pods';

/** One refused kind: when it is matched, the expression that must hold, and the message when it does not. */
interface Refusal {
  group: string;
  resource: string;
  expression: string;
  messageExpression: string;
}

/** The first webhook's Service (a chart's webhooks usually share one). */
const webhookService =
  "object.webhooks.filter(w, has(w.clientConfig.service)).map(w, w.clientConfig.service.namespace + '/' + w.clientConfig.service.name)[0]";

const refusals: Refusal[] = [
  ...['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'].map((resource) => ({
    group: 'admissionregistration.k8s.io',
    resource,
    expression: '!has(object.webhooks) || object.webhooks.all(w, !has(w.clientConfig.service))',
    messageExpression: `request.kind.kind + ' ' + object.metadata.name + ' points at Service ' + ${webhookService} + '; ${noPods}: disable the chart\\'s webhook'`,
  })),
  {
    group: 'apiregistration.k8s.io',
    resource: 'apiservices',
    expression: '!has(object.spec.service)',
    messageExpression: `'APIService ' + object.metadata.name + ' points at Service ' + object.spec.service.namespace + '/' + object.spec.service.name + '; ${noPods}: disable the chart\\'s APIService (metrics-server: apiService.create=false)'`,
  },
  {
    group: 'apiextensions.k8s.io',
    resource: 'customresourcedefinitions',
    expression:
      '!has(object.spec.conversion) || !has(object.spec.conversion.webhook) || !has(object.spec.conversion.webhook.clientConfig) || !has(object.spec.conversion.webhook.clientConfig.service)',
    messageExpression:
      `'CustomResourceDefinition ' + object.metadata.name + ' converts through Service ' + object.spec.conversion.webhook.clientConfig.service.namespace + '/' + ` +
      `object.spec.conversion.webhook.clientConfig.service.name + '; ${noPods}: disable the chart\\'s conversion webhook'`,
  },
];

/** The policy and its binding (admissionregistration.k8s.io/v1, served since Kubernetes 1.30). */
export function calloutPolicyObjects(): object[] {
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: policyName },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: refusals.map(({ group, resource }) => ({
            apiGroups: [group],
            apiVersions: ['*'],
            operations: ['CREATE', 'UPDATE'],
            resources: [resource],
          })),
        },
        // Each validation applies to its own kind only; the others pass it.
        validations: refusals.map(({ resource, expression, messageExpression }) => ({
          expression: `request.resource.resource != '${resource}' || (${expression})`,
          messageExpression,
          reason: 'Forbidden',
        })),
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: policyName },
      spec: { policyName, validationActions: ['Deny'] },
    },
  ];
}

/** Applies the policy: on every up, once kube-apiserver serves and before any other part puts objects in the cluster. */
export async function applyCalloutPolicy(config: SandboxConfig, layout: SandboxLayout): Promise<void> {
  await applyObjects(config, layout, calloutPolicyObjects());
}

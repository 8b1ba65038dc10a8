import { z } from 'zod';

/**
 * A stack's source as Argo CD's ApplicationSource (v1alpha1ApplicationSource and its Helm, Kustomize and
 * Directory options in Argo CD's API), strict so a misspelt field is refused by `baton validate`, not
 * silently dropped by Argo CD. Config management plugins are left out: Baton configures none.
 */

const nonEmpty = z.string().min(1, 'must not be empty');
const stringList = z.array(z.string());
const stringMap = z.record(z.string(), z.string());

export const helmParameterSchema = z.object({ name: nonEmpty, value: z.string().optional(), forceString: z.boolean().optional() }).strict();

export const helmSourceSchema = z
  .object({
    releaseName: nonEmpty.describe('the Helm release name; default the Application name'),
    valueFiles: stringList.describe('values files in the chart, or in another source as $<ref>/<path>'),
    values: z.string().describe('values as a YAML string; valuesObject takes precedence'),
    valuesObject: z.record(z.string(), z.unknown()).describe('values as a mapping'),
    parameters: z.array(helmParameterSchema).describe("Helm's --set"),
    fileParameters: z.array(z.object({ name: nonEmpty, path: nonEmpty }).strict()).describe("Helm's --set-file"),
    ignoreMissingValueFiles: z.boolean(),
    passCredentials: z.boolean(),
    skipCrds: z.boolean().describe("Helm's --skip-crds"),
    skipSchemaValidation: z.boolean(),
    skipTests: z.boolean(),
    namespace: nonEmpty.describe("the namespace to template with; default the Application's destination"),
    kubeVersion: nonEmpty,
    apiVersions: stringList,
    version: nonEmpty,
  })
  .partial()
  .strict();

/** A patch's target; Argo CD's Application carries its resource id inline (group, version, kind, name, namespace). */
const kustomizeSelectorSchema = z
  .object({
    group: z.string(),
    version: z.string(),
    kind: z.string(),
    name: z.string(),
    namespace: z.string(),
    labelSelector: z.string(),
    annotationSelector: z.string(),
  })
  .partial()
  .strict();

export const kustomizeSourceSchema = z
  .object({
    namePrefix: z.string(),
    nameSuffix: z.string(),
    namespace: z.string(),
    images: stringList.describe('image overrides such as "nginx=nginx:1.27"'),
    components: stringList.describe('Kustomize components added to the kustomization'),
    ignoreMissingComponents: z.boolean(),
    patches: z.array(
      z
        .object({ path: z.string(), patch: z.string(), target: kustomizeSelectorSchema, options: z.record(z.string(), z.boolean()) })
        .partial()
        .strict(),
    ),
    replicas: z.array(z.object({ name: nonEmpty, count: z.union([z.number().int(), z.string()]) }).strict()),
    commonLabels: stringMap,
    commonAnnotations: stringMap,
    commonAnnotationsEnvsubst: z.boolean(),
    forceCommonLabels: z.boolean(),
    forceCommonAnnotations: z.boolean(),
    labelWithoutSelector: z.boolean(),
    labelIncludeTemplates: z.boolean(),
    kubeVersion: nonEmpty,
    apiVersions: stringList,
    version: nonEmpty,
  })
  .partial()
  .strict();

const jsonnetVarSchema = z.object({ name: nonEmpty, value: z.string(), code: z.boolean().optional() }).strict();

export const directorySourceSchema = z
  .object({
    recurse: z.boolean(),
    include: z.string(),
    exclude: z.string(),
    jsonnet: z
      .object({ extVars: z.array(jsonnetVarSchema), tlas: z.array(jsonnetVarSchema), libs: stringList })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

/** The name other sources of a multi-source Application use for this one: `$values/...` for `ref: values`. */
const refName = z
  .string()
  .regex(/^[A-Za-z0-9][-A-Za-z0-9_]*$/, 'must be a name of letters, digits, "-" and "_" (value files refer to it as $<ref>/<path>)');

export const stackSourceSchema = z
  .object({
    repoURL: nonEmpty.describe('a Git repository, or a Helm repository (oci://, https://) with chart; default spec.source.repoURL'),
    targetRevision: nonEmpty.describe(
      "a Git revision, or the chart's version; default spec.source.targetRevision for the platform repository, HEAD for another",
    ),
    path: nonEmpty.describe('a folder in the Git repository; default stacks/<name> in the platform repository'),
    chart: nonEmpty.describe('a chart in the Helm repository at repoURL'),
    ref: refName.describe('multi-source only: the name other sources use for this one'),
    name: nonEmpty.describe('the name Argo CD shows for this source'),
    tagPrefix: nonEmpty,
    helm: helmSourceSchema,
    kustomize: kustomizeSourceSchema,
    directory: directorySourceSchema,
  })
  .partial()
  .strict();

export type StackSourceSpec = z.infer<typeof stackSourceSchema>;

/** The fields that choose how Argo CD renders a source; a source sets at most one. */
export const sourceRenderers = ['helm', 'kustomize', 'directory'] as const;
export type SourceRenderer = (typeof sourceRenderers)[number];

/** A source as the Application gets it: the repository and revision always given. */
export type ApplicationSource = StackSourceSpec & { repoURL: string; targetRevision: string };

/** What a stack's Application is made from: one source, or the sources of a multi-source Application. */
export type StackSources = { source: ApplicationSource; sources?: undefined } | { sources: ApplicationSource[]; source?: undefined };

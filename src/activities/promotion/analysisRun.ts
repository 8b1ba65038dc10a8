import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { freightLabel, managedLabels } from '../../spec/labels.js';
import { failureTypes } from '../../workflows/failureTypes.js';
import type { VerificationResult } from '../interfaces.js';

export const rolloutsApiVersion = 'argoproj.io/v1alpha1';

const argSchema = z.looseObject({ name: z.string(), value: z.string().optional() });

/** The parts of an AnalysisTemplate a run is made from: its declared args and its metrics (copied as they are). */
export const analysisTemplateSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
  spec: z.looseObject({
    args: z.array(argSchema).optional(),
    metrics: z.array(z.looseObject({ name: z.string(), provider: z.looseObject({ web: z.looseObject({ url: z.string() }).optional() }) })),
  }),
});
export type AnalysisTemplate = z.infer<typeof analysisTemplateSchema>;

const measurementSchema = z.looseObject({
  phase: z.string().optional(),
  value: z.string().optional(),
  message: z.string().optional(),
  finishedAt: z.string().optional(),
});

/** What Baton reads back of an AnalysisRun: its phase, message and each metric's measurements. */
export const analysisRunSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
  status: z
    .looseObject({
      phase: z.string().optional(),
      message: z.string().optional(),
      metricResults: z.array(z.looseObject({ name: z.string(), measurements: z.array(measurementSchema).optional() })).optional(),
    })
    .optional(),
});
export type AnalysisRun = z.infer<typeof analysisRunSchema>;

export type FinalPhase = VerificationResult['phase'];
export const finalPhases: readonly FinalPhase[] = ['Successful', 'Failed', 'Error', 'Inconclusive'];

export type Measurement = VerificationResult['measurements'][number];

export function measurementsOf(run: AnalysisRun): Measurement[] {
  return (run.status?.metricResults ?? []).flatMap((result) =>
    (result.measurements ?? []).map((m) => ({
      metric: result.name,
      phase: m.phase ?? 'Unknown',
      ...(m.value !== undefined ? { value: m.value } : {}),
      ...(m.finishedAt ? { at: m.finishedAt } : {}),
    })),
  );
}

/** Every arg the templates declare, valued from the run's args or the template's default; one without a value fails, named. */
function runArgs(templates: AnalysisTemplate[], given: Record<string, string>): { name: string; value: string }[] {
  const values = new Map<string, string>();
  for (const template of templates)
    for (const arg of template.spec.args ?? []) {
      const value = given[arg.name] ?? arg.value;
      if (value === undefined)
        throw ApplicationFailure.nonRetryable(
          `AnalysisTemplate ${template.metadata.name} needs arg "${arg.name}": give it in the environment's promotion.verification.args`,
          failureTypes.promotionRefused,
        );
      values.set(arg.name, value);
    }
  return [...values].map(([name, value]) => ({ name, value }));
}

/**
 * Web metrics may only ask the loopback address (the sandbox's network rule): each URL is checked with the
 * args filled in, before anything is created.
 */
function refuseNonLoopback(templates: AnalysisTemplate[], args: { name: string; value: string }[]): void {
  const filled = (url: string) =>
    url.replace(/\{\{\s*args\.([\w-]+)\s*\}\}/g, (_, name: string) => args.find((a) => a.name === name)?.value ?? '');
  for (const template of templates)
    for (const metric of template.spec.metrics) {
      const url = metric.provider.web?.url;
      if (url === undefined) continue;
      let host: string;
      try {
        host = new URL(filled(url)).hostname;
      } catch {
        host = `(not a URL: ${filled(url)})`;
      }
      if (host !== '127.0.0.1' && host !== 'localhost')
        throw ApplicationFailure.nonRetryable(
          `AnalysisTemplate ${template.metadata.name} metric ${metric.name} asks ${filled(url)}: web metrics may only ask 127.0.0.1 or localhost`,
          failureTypes.promotionRefused,
        );
    }
}

/** The AnalysisRun the templates make: their metrics side by side, every declared arg valued, labelled as the platform's. */
export function analysisRunManifest(input: {
  name: string;
  namespace: string;
  platform: string;
  environment: string;
  freight: string;
  templates: AnalysisTemplate[];
  args: Record<string, string>;
}): Record<string, unknown> {
  const args = runArgs(input.templates, input.args);
  refuseNonLoopback(input.templates, args);
  return {
    apiVersion: rolloutsApiVersion,
    kind: 'AnalysisRun',
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: { ...managedLabels(input.platform, input.environment), [freightLabel]: input.freight },
    },
    spec: { args, metrics: input.templates.flatMap((template) => template.spec.metrics) },
  };
}

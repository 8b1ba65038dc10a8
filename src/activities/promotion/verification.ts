import { createHash } from 'node:crypto';
import { Watch } from '@kubernetes/client-node';
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { formatDuration } from '../../spec/duration.js';
import { managedSelector } from '../../spec/labels.js';
import { failureTypes } from '../../workflows/failureTypes.js';
import type { ClusterClient } from '../cluster/client.js';
import { activityContext, deadlineSignal, heartbeatWhile } from '../heartbeat.js';
import type { PromotionActivities } from '../interfaces.js';
import {
  analysisRunManifest,
  analysisRunSchema,
  analysisTemplateSchema,
  finalPhases,
  measurementsOf,
  rolloutsApiVersion,
  type AnalysisRun,
  type AnalysisTemplate,
  type FinalPhase,
} from './analysisRun.js';

type VerificationInput = Parameters<PromotionActivities['runVerification']>[0];

const defaultTimeoutMs = 10 * 60_000;

/** One AnalysisTemplate of a namespace, or undefined when it has none by that name. */
async function readTemplate(client: ClusterClient, namespace: string, name: string): Promise<AnalysisTemplate | undefined> {
  try {
    const object = await client.objects.read({ apiVersion: rolloutsApiVersion, kind: 'AnalysisTemplate', metadata: { name, namespace } });
    return analysisTemplateSchema.parse(object);
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

/** The namespace given, or else the first namespace of the platform's environment (Argo CD labels those it creates) that has every template. */
async function templatesFor(
  client: ClusterClient,
  input: VerificationInput,
): Promise<{ namespace: string; templates: AnalysisTemplate[] }> {
  const candidates = input.namespace
    ? [input.namespace]
    : (
        await client.objects.list(
          'v1',
          'Namespace',
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          managedSelector(input.platform, input.environment),
        )
      ).items
        .map((ns) => ns.metadata?.name ?? '')
        .filter(Boolean)
        .sort();
  for (const namespace of candidates) {
    const templates = await Promise.all(input.templates.map((name) => readTemplate(client, namespace, name)));
    if (templates.every((t) => t !== undefined)) return { namespace, templates: templates as AnalysisTemplate[] };
  }
  throw ApplicationFailure.nonRetryable(
    `AnalysisTemplates ${input.templates.join(', ')} are not all in one namespace of ${input.platform}/${input.environment} on cluster ${input.cluster}; searched: ${candidates.join(', ') || 'no namespace labelled for the environment'}. Deploy them with a stack, or name the namespace in promotion.verification.namespace`,
    failureTypes.promotionRefused,
  );
}

/**
 * A name of its own per activity of a workflow run: a retried attempt follows the run it created, another
 * verification (a later promotion of the same freight) makes its own.
 */
function runName(input: VerificationInput): string {
  const info = activityContext()?.info;
  const scope = info ? `${info.workflowExecution?.runId}/${info.activityId}` : `${Date.now()}/${Math.random()}`;
  return `${input.environment}-${input.freight.id}-${createHash('sha256').update(scope).digest('hex').slice(0, 8)}`;
}

/** Follows the AnalysisRun's phase with a watch on its name (reopened when the server ends it) until it is final. */
async function followRun(
  client: ClusterClient,
  namespace: string,
  name: string,
  signal: AbortSignal,
  seen: (run: AnalysisRun) => void,
): Promise<AnalysisRun> {
  const watch = new Watch(client.kubeConfig);
  const path = `/apis/${rolloutsApiVersion}/namespaces/${encodeURIComponent(namespace)}/analysisruns`;
  for (;;) {
    const final = await new Promise<AnalysisRun | undefined>((resolve, reject) => {
      let request: AbortController | undefined;
      const onAbort = () => {
        request?.abort();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      let settled = false;
      // Ending the request calls the watch's done callback again: only the first outcome counts.
      const done = (result: AnalysisRun | undefined, err?: unknown) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (err && !signal.aborted) reject(err);
        else resolve(result);
        request?.abort();
      };
      watch
        .watch(
          path,
          { fieldSelector: `metadata.name=${name}` },
          (type, object) => {
            if (type === 'DELETED')
              return done(undefined, new Error(`AnalysisRun ${namespace}/${name} was deleted while Baton followed it`));
            const run = analysisRunSchema.parse(object);
            seen(run);
            if (finalPhases.includes(run.status?.phase as FinalPhase)) done(run);
          },
          // A watch the server closed is opened again.
          (err) => (err && (err as Error).name !== 'AbortError' ? done(undefined, err) : done(undefined)),
        )
        .then(
          (controller) => {
            request = controller;
            if (settled) controller.abort();
          },
          (err) => done(undefined, err),
        );
    });
    if (final) return final;
    if (signal.aborted) throw signal.reason;
  }
}

/**
 * Verification: an AnalysisRun made from the environment's AnalysisTemplates, in its cluster, with the spec's args
 * and the freight's (`freight`, `revision`, `environment`); the Rollouts controller runs its metrics and Baton
 * follows its phase to the end.
 */
export function verificationActivities(clients: (cluster: string) => ClusterClient): Pick<PromotionActivities, 'runVerification'> {
  return {
    async runVerification(input) {
      const timeoutMs = input.timeoutMs ?? defaultTimeoutMs;
      const client = clients(input.cluster);
      const { namespace, templates } = await templatesFor(client, input);
      const name = runName(input);
      const manifest = analysisRunManifest({
        name,
        namespace,
        platform: input.platform,
        environment: input.environment,
        freight: input.freight.id,
        templates,
        args: { ...input.args, freight: input.freight.id, revision: input.freight.revision, environment: input.environment },
      });
      try {
        await client.objects.create(manifest as never);
        log.info('AnalysisRun created', { namespace, name, templates: input.templates });
      } catch (err) {
        if ((err as { code?: number }).code !== 409) throw err;
      }
      let phase = 'Pending';
      const stop = heartbeatWhile(() => `AnalysisRun ${namespace}/${name}: ${phase}`);
      const signal = deadlineSignal(timeoutMs);
      try {
        const run = await followRun(client, namespace, name, signal, (seen) => {
          phase = seen.status?.phase ?? 'Pending';
        });
        const result = {
          analysisRun: `${namespace}/${name}`,
          phase: run.status?.phase as FinalPhase,
          message: run.status?.message ?? '',
          measurements: measurementsOf(run),
        };
        log.info('AnalysisRun finished', { ...result, measurements: result.measurements.length });
        return result;
      } catch (err) {
        if (signal.aborted && !(err instanceof ApplicationFailure))
          throw ApplicationFailure.nonRetryable(
            `AnalysisRun ${namespace}/${name} did not finish within ${formatDuration(timeoutMs)} (last phase ${phase}); is the Rollouts controller running for cluster ${input.cluster}?`,
            failureTypes.verificationFailed,
          );
        throw err;
      } finally {
        stop();
      }
    },
  };
}

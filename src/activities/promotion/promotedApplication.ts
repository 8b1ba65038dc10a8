import { z } from 'zod';
import { applicationSchema, type Application } from '../argocd/schemas.js';

const sourceSchema = z.looseObject({ repoURL: z.string(), targetRevision: z.string().optional() });
/** What a sync compared or deployed: `revision` for one source, `revisions` (by source position) for several. */
const revisionsSchema = z.looseObject({ revision: z.string().optional(), revisions: z.array(z.string()).optional() });

/**
 * The fields of an Application a promotion reads besides those the argocd zone does: its sources, its sync
 * policy, and which revision its sync (requested, running or finished) is for.
 */
const promotedFieldsSchema = z.looseObject({
  spec: z.looseObject({
    source: sourceSchema.optional(),
    sources: z.array(sourceSchema).optional(),
    syncPolicy: z
      .looseObject({ automated: z.looseObject({ prune: z.boolean().optional() }).optional(), syncOptions: z.array(z.string()).optional() })
      .optional(),
  }),
  operation: z.looseObject({ sync: revisionsSchema.optional() }).optional(),
  status: z
    .looseObject({
      sync: revisionsSchema.optional(),
      operationState: z
        .looseObject({ operation: z.looseObject({ sync: revisionsSchema.optional() }).optional(), syncResult: revisionsSchema.optional() })
        .optional(),
    })
    .optional(),
});

export const applicationListSchema = z.looseObject({ items: z.array(applicationSchema).nullish() });

export type PromotedApplication = Application & z.infer<typeof promotedFieldsSchema>;

/** The Application with those fields checked; loose objects keep every field Argo CD sent, so it stays an Application. */
export function promoted(app: Application): PromotedApplication {
  return promotedFieldsSchema.parse(app) as PromotedApplication;
}

function sameRepo(a: string, b: string): boolean {
  const normal = (url: string) => url.replace(/\/+$/, '').replace(/\.git$/, '');
  return normal(a) === normal(b);
}

/** The positions of the Application's sources that come from the repository (0 for a single source). */
export function sourcePositions(app: PromotedApplication, repoURL: string): number[] {
  const sources = app.spec.sources ?? (app.spec.source ? [app.spec.source] : []);
  return sources.flatMap((source, i) => (sameRepo(source.repoURL, repoURL) ? [i] : []));
}

/** The spec with those sources at the revision; every other field as Argo CD has it. */
export function specAtRevision(app: PromotedApplication, positions: number[], revision: string): PromotedApplication['spec'] {
  const { spec } = app;
  if (spec.sources)
    return {
      ...spec,
      sources: spec.sources.map((source, i) => (positions.includes(i) ? { ...source, targetRevision: revision } : source)),
    };
  return { ...spec, ...(spec.source ? { source: { ...spec.source, targetRevision: revision } } : {}) };
}

/** Whether a sync's revisions put every one of the positions at the revision. */
export function atRevision(revisions: z.infer<typeof revisionsSchema> | undefined, positions: number[], revision: string): boolean {
  if (!revisions) return false;
  if (revisions.revisions?.length) return positions.every((i) => revisions.revisions?.[i] === revision);
  return revisions.revision === revision;
}

export function targetsRevision(app: PromotedApplication, positions: number[], revision: string): boolean {
  const sources = app.spec.sources ?? (app.spec.source ? [app.spec.source] : []);
  return positions.every((i) => sources[i]?.targetRevision === revision);
}

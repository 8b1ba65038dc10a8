import { promotionCycle } from '../promotion/graph.js';
import type { DocumentKey } from './issues.js';
import type { PlatformSpec, PromotionPolicy } from './schema.js';

type EnvironmentSpec = PlatformSpec['spec']['environments'][number];

/** A problem with an environment's promotion settings, at keys under spec.environments. */
export interface PromotionIssue {
  keys: DocumentKey[];
  message: string;
}

/** Hosts a verification may send requests to: the sandbox network rule allows only the loopback address. */
const loopbackHosts = ['127.0.0.1', 'localhost'];

/**
 * The rules zod cannot state about promotions: the graph has no cycle, its upstreams exist, verification is
 * required only where freight comes from, approvals can be met, and verification targets only loopback.
 */
export function promotionIssues(environments: readonly EnvironmentSpec[]): PromotionIssue[] {
  const names = environments.map((e) => e.name);
  const cycle = promotionCycle(environments);
  const cycleStart = cycle ? environments.findIndex((e) => e.name === cycle[0]) : -1;
  return [
    ...environments.flatMap((environment, i) =>
      environmentIssues(environment, names).map((issue) => ({ ...issue, keys: [i, 'promotion', ...issue.keys] })),
    ),
    ...(cycle
      ? [
          {
            keys: [cycleStart, 'promotion', 'from'],
            message: `promotion cycle: ${cycle.join(' -> ')}; freight could never enter it: remove one of these environments from the from of the next`,
          },
        ]
      : []),
  ];
}

function environmentIssues({ name, promotion }: EnvironmentSpec, names: readonly string[]): PromotionIssue[] {
  if (!promotion) return [];
  const { from, verifiedIn, approvals, verification } = promotion;
  const declared = names.filter((n) => n !== name).join(', ') || 'none';
  return [
    ...from.flatMap((upstream, j) =>
      names.includes(upstream)
        ? []
        : [
            {
              keys: ['from', j],
              message: `"${upstream}" is not an environment of this platform (the others are: ${declared}); declare it or remove it`,
            },
          ],
    ),
    ...verifiedIn.flatMap((upstream, j) =>
      from.includes(upstream)
        ? []
        : [
            {
              keys: ['verifiedIn', j],
              message: `"${upstream}" is not in from (${from.join(', ') || 'empty'}): freight can have passed verification only where it comes from; add it to from or remove it here`,
            },
          ],
    ),
    ...(approvals ? approvalIssues(approvals) : []),
    ...Object.entries(verification?.args ?? {}).flatMap(([arg, value]) => {
      const host = urlHost(value);
      return host === null || loopbackHosts.includes(host)
        ? []
        : [
            {
              keys: ['verification', 'args', arg],
              message: `"${value}" points at ${host}: a verification may only reach ${loopbackHosts.join(' or ')}; serve the check there`,
            },
          ];
    }),
  ];
}

function approvalIssues({ required, from }: NonNullable<PromotionPolicy['approvals']>): PromotionIssue[] {
  const distinct = new Set(from);
  return [
    ...from.flatMap((approver, j) =>
      from.indexOf(approver) < j ? [{ keys: ['approvals', 'from', j], message: `lists "${approver}" more than once` }] : [],
    ),
    ...(required > distinct.size
      ? [
          {
            keys: ['approvals', 'required'],
            message: `${required} is more than the ${distinct.size} approver${distinct.size === 1 ? '' : 's'} allowed (${[...distinct].join(', ')}): the promotion could never be approved; lower required or allow more approvers in from`,
          },
        ]
      : []),
  ];
}

/** The host of a value that is a URL (`scheme://host[:port]/...`), lower-cased; null for anything else. */
function urlHost(value: string): string | null {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(value)?.[1];
  if (authority === undefined) return null;
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  const bracketed = /^\[([^\]]*)\]/.exec(host);
  return (bracketed ? bracketed[1]! : host.replace(/:\d*$/, '')).toLowerCase();
}

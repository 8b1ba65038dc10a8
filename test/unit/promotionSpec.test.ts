import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveEnvironment } from '../../src/spec/index.js';
import { parsePlatformSpec } from '../../src/spec/load.js';
import { platformHead, specProblems } from '../support/specs.js';

/** The platform demo with stack web and the environments given (YAML list items). */
function platform(environments: string): string {
  return `${platformHead}    - name: web\n  environments:\n${environments.replace(/^/gm, '    ')}\n`;
}

const problems = (environments: string) => specProblems(platform(environments), 'demo.yaml');

/** The example: dev takes freight by itself, prod behind verification in dev, a soak and two of three approvers. */
const devAndProd = `- { name: dev, cluster: in-cluster, promotion: { auto: true } }
- name: prod
  cluster: prod
  promotion:
    from: [dev]
    verifiedIn: [dev]
    soak: 10m
    approvals: { required: 2, from: [release-lead, sre-lead, security-lead], expiresAfter: 24h, separateFromRequester: true }
    verification: { analysisTemplates: [smoke], args: { url: "http://127.0.0.1:18500/check" } }`;

describe('spec: promotion settings', () => {
  it("accepts the issue's example and fills in the defaults", () => {
    const spec = parsePlatformSpec(platform(devAndProd));
    assert.deepEqual(resolveEnvironment(spec, 'dev').promotion, { auto: true, from: [], verifiedIn: [] });
    assert.deepEqual(resolveEnvironment(spec, 'prod').promotion, {
      auto: false,
      from: ['dev'],
      verifiedIn: ['dev'],
      soak: '10m',
      approvals: { required: 2, from: ['release-lead', 'sre-lead', 'security-lead'], expiresAfter: '24h', separateFromRequester: true },
      verification: { analysisTemplates: ['smoke'], args: { url: 'http://127.0.0.1:18500/check' } },
    });
  });

  it('gives an environment without promotion settings none, and defaults an approval window to 24h', () => {
    const spec = parsePlatformSpec(
      platform('- name: dev\n- { name: prod, cluster: prod, promotion: { approvals: { required: 1, from: [a] } } }'),
    );
    assert.equal(resolveEnvironment(spec, 'dev').promotion, null);
    assert.deepEqual(resolveEnvironment(spec, 'prod').promotion?.approvals, {
      required: 1,
      from: ['a'],
      expiresAfter: '24h',
      separateFromRequester: false,
    });
  });

  const refused: { kind: string; environments: string; lines: string[] }[] = [
    {
      kind: 'a cycle, named along its environments',
      environments:
        '- { name: dev, promotion: { from: [prod] } }\n- { name: staging, cluster: staging, promotion: { from: [dev] } }\n- { name: prod, cluster: prod, promotion: { from: [staging] } }',
      lines: [
        'demo.yaml:10: spec.environments[0] (dev).promotion.from: promotion cycle: dev -> prod -> staging -> dev; freight could never enter it: remove one of these environments from the from of the next',
      ],
    },
    {
      kind: 'an environment that is its own upstream',
      environments: '- { name: dev, promotion: { from: [dev] } }',
      lines: [
        'demo.yaml:10: spec.environments[0] (dev).promotion.from: promotion cycle: dev -> dev; freight could never enter it: remove one of these environments from the from of the next',
      ],
    },
    {
      kind: 'an unknown upstream',
      environments: '- name: dev\n- { name: prod, cluster: prod, promotion: { from: [qa] } }',
      lines: [
        'demo.yaml:11: spec.environments[1] (prod).promotion.from[0]: "qa" is not an environment of this platform (the others are: dev); declare it or remove it',
      ],
    },
    {
      kind: 'verifiedIn naming an environment not in from',
      environments:
        '- name: dev\n- { name: staging, cluster: staging }\n- { name: prod, cluster: prod, promotion: { from: [staging], verifiedIn: [dev] } }',
      lines: [
        'demo.yaml:12: spec.environments[2] (prod).promotion.verifiedIn[0]: "dev" is not in from (staging): freight can have passed verification only where it comes from; add it to from or remove it here',
      ],
    },
    {
      kind: 'more required approvals than allowed approvers',
      environments: '- { name: prod, promotion: { approvals: { required: 3, from: [a, b] } } }',
      lines: [
        'demo.yaml:10: spec.environments[0] (prod).promotion.approvals.required: 3 is more than the 2 approvers allowed (a, b): the promotion could never be approved; lower required or allow more approvers in from',
      ],
    },
    {
      kind: 'an approver listed twice, who counts once',
      environments: '- { name: prod, promotion: { approvals: { required: 2, from: [a, a] } } }',
      lines: [
        'demo.yaml:10: spec.environments[0] (prod).promotion.approvals.from[1]: lists "a" more than once',
        'demo.yaml:10: spec.environments[0] (prod).promotion.approvals.required: 2 is more than the 1 approver allowed (a): the promotion could never be approved; lower required or allow more approvers in from',
      ],
    },
    {
      kind: 'a verification URL off the loopback address',
      environments:
        '- name: prod\n  promotion:\n    verification: { analysisTemplates: [smoke], args: { url: "https://user@Example.com:8443/check", port: "8443" } }',
      lines: [
        'demo.yaml:12: spec.environments[0] (prod).promotion.verification.args.url: "https://user@Example.com:8443/check" points at example.com: a verification may only reach 127.0.0.1 or localhost; serve the check there',
      ],
    },
    {
      kind: 'an unknown field and a bad soak',
      environments: '- { name: prod, promotion: { soak: soon, approval: {} } }',
      lines: [
        'demo.yaml:10: spec.environments[0] (prod).promotion: unknown field "approval"',
        'demo.yaml:10: spec.environments[0] (prod).promotion.soak: "soon" must be a duration such as "30s", "10m" or "1h"',
      ],
    },
    {
      kind: 'an empty approver list and no templates',
      environments: '- { name: prod, promotion: { approvals: { required: 1, from: [] }, verification: { analysisTemplates: [] } } }',
      lines: [
        'demo.yaml:10: spec.environments[0] (prod).promotion.approvals.from: must list at least one approver',
        'demo.yaml:10: spec.environments[0] (prod).promotion.verification.analysisTemplates: must list at least one AnalysisTemplate',
      ],
    },
  ];
  for (const { kind, environments, lines } of refused) {
    it(`refuses ${kind}, naming the path`, () => assert.deepEqual(problems(environments).sort(), [...lines].sort()));
  }

  it('accepts loopback verification URLs by name and by address, with ports', () => {
    const args = '{ a: "http://127.0.0.1:18500/check", b: "http://LOCALHOST/x", c: "not a url", d: "127.0.0.2" }';
    assert.deepEqual(problems(`- { name: prod, promotion: { verification: { analysisTemplates: [smoke], args: ${args} } } }`), []);
  });
});

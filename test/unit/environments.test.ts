import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePlatformSpec } from '../../src/spec/load.js';
import { appProjectName, resolveEnvironment, resolveStacks } from '../../src/spec/index.js';
import { managedLabels, managedSelector } from '../../src/spec/labels.js';
import { platformHead, specProblems } from '../support/specs.js';

/** The platform demo with stacks api (namespace backend) and web, and the environments given (YAML list items). */
function platform(environments: string): string {
  return `${platformHead}    - { name: api, namespace: backend }
    - name: web
      dependsOn: [api]
  environments:
${environments.replace(/^/gm, '    ')}
`;
}

const problems = (text: string) => specProblems(text, 'demo.yaml');

describe('environments: destinations', () => {
  it('puts an environment that names no cluster on the hub, in-cluster, with no suffix', () => {
    const spec = parsePlatformSpec(platform('- name: dev\n- { name: prod, cluster: prod }'));
    assert.deepEqual(resolveEnvironment(spec, 'dev'), { name: 'dev', cluster: 'in-cluster', namespaceSuffix: '', promotion: null });
    assert.deepEqual(resolveEnvironment(spec, 'prod'), { name: 'prod', cluster: 'prod', namespaceSuffix: '', promotion: null });
  });

  it('puts every environment of a spec that declares none on the hub', () => {
    const spec = parsePlatformSpec(`${platformHead}    - name: web\n`);
    assert.deepEqual(resolveEnvironment(spec, 'anything'), {
      name: 'anything',
      cluster: 'in-cluster',
      namespaceSuffix: '',
      promotion: null,
    });
  });

  it("appends the environment's namespaceSuffix to every stack's namespace, given or defaulted", () => {
    const spec = parsePlatformSpec(platform('- { name: dev, namespaceSuffix: -dev }\n- { name: prod, namespaceSuffix: -prod }'));
    const namespaces = (environment?: string) => resolveStacks(spec, environment).map((s) => s.namespace);
    assert.deepEqual(namespaces('dev'), ['backend-dev', 'web-dev']);
    assert.deepEqual(namespaces('prod'), ['backend-prod', 'web-prod']);
    assert.deepEqual(namespaces(), ['backend', 'web'], 'no environment: the namespaces as the spec gives them');
  });

  it('accepts two environments on one cluster with different suffixes, and on different clusters without any', () => {
    assert.deepEqual(problems(platform('- { name: dev, namespaceSuffix: -dev }\n- name: staging')), []);
    assert.deepEqual(problems(platform('- name: dev\n- { name: prod, cluster: prod }\n- { name: prod-eu, cluster: prod-eu }')), []);
  });

  it('refuses two environments on one cluster with the same suffix, naming both', () => {
    assert.deepEqual(problems(platform('- name: dev\n- name: staging')), [
      'demo.yaml:13: spec.environments[1] (staging): environment staging and environment dev are both on cluster in-cluster with no namespaceSuffix, so their stacks would share namespaces; give one of them another namespaceSuffix or cluster',
    ]);
    assert.deepEqual(
      problems(platform('- { name: a, cluster: prod, namespaceSuffix: -x }\n- { name: b, cluster: prod, namespaceSuffix: -x }')),
      [
        'demo.yaml:13: spec.environments[1] (b): environment b and environment a are both on cluster prod with namespaceSuffix "-x", so their stacks would share namespaces; give one of them another namespaceSuffix or cluster',
      ],
    );
  });

  it('counts an explicit in-cluster as the default', () => {
    assert.equal(problems(platform('- name: dev\n- { name: qa, cluster: in-cluster }')).length, 1);
  });

  it('refuses a suffix that makes a namespace no DNS-1123 label, naming the stack', () => {
    const suffix = `-${'x'.repeat(60)}`;
    assert.deepEqual(problems(platform(`- { name: dev, namespaceSuffix: "${suffix}" }`)), [
      `demo.yaml:12: spec.environments[0] (dev).namespaceSuffix: makes stack api's namespace "backend${suffix}", which must be at most 63 characters (a DNS-1123 label); shorten the suffix or the namespace`,
      `demo.yaml:12: spec.environments[0] (dev).namespaceSuffix: makes stack web's namespace "web${suffix}", which must be at most 63 characters (a DNS-1123 label); shorten the suffix or the namespace`,
    ]);
    assert.deepEqual(problems(platform('- { name: dev, namespaceSuffix: -Dev }')), [
      'demo.yaml:12: spec.environments[0] (dev).namespaceSuffix: "-Dev" must be lower-case letters, digits and "-", such as "-dev"',
    ]);
  });

  it('refuses a cluster name that is no DNS-1123 label', () => {
    assert.equal(problems(platform('- { name: dev, cluster: Prod_1 }'))[0]?.includes('spec.environments[0] (dev).cluster'), true);
  });
});

describe('environments: names and labels', () => {
  it('gives each environment of a platform its own AppProject', () => {
    assert.equal(appProjectName('shop', 'dev'), 'shop-dev');
    assert.notEqual(appProjectName('shop', 'dev'), appProjectName('shop', 'prod'));
  });

  it('labels every object with its platform and environment, and selects by both', () => {
    assert.deepEqual(managedLabels('shop', 'dev'), {
      'app.kubernetes.io/managed-by': 'baton',
      'baton.dev/platform': 'shop',
      'baton.dev/environment': 'dev',
    });
    assert.equal(managedSelector('shop', 'dev'), 'app.kubernetes.io/managed-by=baton,baton.dev/platform=shop,baton.dev/environment=dev');
    assert.equal(managedSelector('shop'), 'app.kubernetes.io/managed-by=baton,baton.dev/platform=shop');
  });
});

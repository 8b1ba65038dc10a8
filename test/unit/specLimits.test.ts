import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { batonProgram } from '../../src/cli/program.js';
import { SpecError } from '../../src/spec/issues.js';
import { maxStacks, specDocumentLimitBytes, temporalHistoryEventLimit, temporalPayloadLimitBytes } from '../../src/spec/limits.js';
import { parsePlatformSpec } from '../../src/spec/load.js';
import { platformDocument, platformHead } from '../support/specs.js';

const dir = mkdtempSync(`${tmpdir()}/baton-limits-`);
after(() => rmSync(dir, { recursive: true, force: true }));

/** The problems `parsePlatformSpec` refuses the text with. */
function refusal(text: string): string {
  try {
    parsePlatformSpec(text, 'big.yaml');
  } catch (err) {
    assert.ok(err instanceof SpecError, String(err));
    return err.message;
  }
  assert.fail('the spec was taken');
}

/** A spec of `count` stacks. */
const stacksText = (count: number) => platformHead + Array.from({ length: count }, (_, i) => `    - { name: s${i} }\n`).join('');

/** TEMPORAL_ADDRESS at a closed port: a command that got as far as connecting would fail, and reach no one's Temporal. */
const temporalAddress = process.env.TEMPORAL_ADDRESS;
before(() => void (process.env.TEMPORAL_ADDRESS = '127.0.0.1:9'));
after(() => {
  if (temporalAddress === undefined) delete process.env.TEMPORAL_ADDRESS;
  else process.env.TEMPORAL_ADDRESS = temporalAddress;
});

describe("a spec too large for a run is refused before it starts, naming Temporal's limit", () => {
  it('a 10 MB spec: refused by its size, before it is parsed', () => {
    const text = `${stacksText(1)}# ${'x'.repeat(10 * 1024 * 1024)}\n`;
    const started = performance.now();
    const message = refusal(text);
    assert.match(message, /big\.yaml: \(document\): the file is 10\.0 MB: a run's input must fit in Temporal's 2\.0 MB payload limit/);
    assert.ok(performance.now() - started < 1000, 'the size is known before the text is parsed');
  });

  it(`50,000 stacks: refused by their number (at most ${maxStacks}), before they are validated`, () => {
    const message = refusal(stacksText(50_000));
    assert.match(message, /spec\.stacks: 50000 stacks: a run takes at most \d+/);
    assert.match(message, /Temporal's limit of 51,200 history events/);
    assert.equal(temporalHistoryEventLimit, 51_200);
  });

  it('a valid spec whose JSON takes more than its share of the 2 MB payload, and one that JSON cannot hold', () => {
    const values = { blob: 'v'.repeat(specDocumentLimitBytes) };
    const document = platformDocument('big', [{ name: 'web' }]) as { spec: { stacks: object[] } };
    document.spec.stacks = [{ name: 'web', source: { helm: { valuesObject: values } } }];
    assert.ok(stringify(document).length < temporalPayloadLimitBytes, 'the file itself is within the payload limit');
    assert.match(
      refusal(stringify(document)),
      /\(document\): the spec is 1\.0 MB as JSON: .* 2\.0 MB payload limit, of which the spec may take 1\.0 MB/,
    );
    const cyclic = `${platformHead}    - name: web\n      source: { helm: { valuesObject: &values { again: [*values] } } }\n`;
    assert.match(
      refusal(cyclic),
      /9: spec\.stacks\[0\] \(web\)\.source\.helm\.valuesObject\.again\[0\]: refers to a mapping or list it is inside of/,
    );
  });

  it('baton deploy and baton apply refuse it before they connect to Temporal', async () => {
    const file = `${dir}/many.yaml`;
    writeFileSync(file, stacksText(maxStacks + 1));
    for (const command of ['deploy', 'apply']) {
      const program = batonProgram({ writeOut: () => {}, writeErr: () => {} });
      await assert.rejects(program.parseAsync(['node', 'baton', command, file, '--env', 'dev']), (err: unknown) => {
        assert.ok(err instanceof SpecError, `${command}: ${String(err)}`);
        assert.match(err.message, new RegExp(`spec\\.stacks: ${maxStacks + 1} stacks: a run takes at most ${maxStacks}`));
        return true;
      });
    }
  });
});

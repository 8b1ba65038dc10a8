import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { textTable } from '../../src/cli/textTable.js';
import { formatDuration } from '../../src/spec/duration.js';

describe('text for people', () => {
  it('formats a duration at the precision that matters for its size', () => {
    assert.deepEqual([412, 14_249, 125_000, 3_725_000].map(formatDuration), ['412ms', '14.2s', '2m05s', '1h02m']);
  });

  it('aligns table columns to their widest cell, two spaces apart, without trailing blanks', () => {
    assert.deepEqual(
      textTable(
        [
          ['STACK', 'STATUS', 'MESSAGE'],
          ['cert-manager', 'healthy', ''],
          ['web', 'failed', 'not Healthy'],
        ],
        '  ',
      ),
      ['  STACK         STATUS   MESSAGE', '  cert-manager  healthy', '  web           failed   not Healthy'],
    );
  });
});

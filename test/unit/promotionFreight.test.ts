import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { freightId, freightSchema } from '../../src/promotion/freight.js';
import { promotionWorkflowId, warehouseWorkflowId } from '../../src/promotion/names.js';

const commit = '0123456789abcdef0123456789abcdef01234567';

describe('freight', () => {
  const vectors: { revision: string; images?: string[]; id: string }[] = [
    { revision: 'a'.repeat(40), id: 'f-67dde4612572' },
    { revision: commit, images: ['b:2', 'a:1'], id: 'f-4e97802b19e4' },
    { revision: commit, images: ['a:1', 'b:2'], id: 'f-4e97802b19e4' },
  ];
  for (const { revision, images, id } of vectors) {
    it(`names ${revision.slice(0, 8)} with images [${images ?? ''}] ${id}, whatever the images' order`, () => {
      assert.equal(freightId(revision, images), id);
    });
  }

  it("is the sha256 that node's own crypto computes for the same content", () => {
    const revisions = ['f'.repeat(40), commit, '1'.repeat(40)];
    for (const revision of revisions) {
      const hash = createHash('sha256')
        .update(JSON.stringify({ revision, images: ['x:1'] }))
        .digest('hex');
      assert.equal(freightId(revision, ['x:1']), `f-${hash.slice(0, 12)}`);
    }
  });

  it('takes only a full commit, never a branch, and fills in no images', () => {
    const createdAt = '2026-12-01T10:00:00.000Z';
    assert.deepEqual(freightSchema.parse({ id: 'f-1', revision: commit, createdAt }), {
      id: 'f-1',
      revision: commit,
      images: [],
      createdAt,
    });
    const branch = freightSchema.safeParse({ id: 'f-1', revision: 'main', createdAt });
    assert.equal(branch.error?.issues[0]?.message, 'must be a commit: 40 lower-case hex digits');
  });

  it('names the warehouse per platform and a promotion per freight and environment', () => {
    assert.equal(warehouseWorkflowId('shop'), 'baton/shop/warehouse');
    assert.equal(promotionWorkflowId('shop', 'f-4e97802b19e4', 'prod'), 'baton/shop/promotion/f-4e97802b19e4-prod');
  });
});

import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { durationMs } from '../spec/index.js';
import { freightQuery, freightVerifiedSignal, requestPromotionUpdate } from './promotionDefinitions.js';
import type { WarehouseInput } from './warehouseInput.js';
import { WarehouseRun } from './warehouseRun.js';

/**
 * A platform's freight warehouse (id baton/<platform>/warehouse): polls the platform's branch, makes each
 * new commit freight and sends it to the first environments with auto; a freight verified in an
 * environment goes on to the auto environments downstream; people ask for promotions with the
 * requestPromotion update. Continues as new when the server suggests it, carrying freight and pending starts.
 */
export async function freightWarehouse(rawInput: WarehouseInput): Promise<void> {
  const house = new WarehouseRun(rawInput);
  setHandler(freightQuery, () => house.freight);
  setHandler(freightVerifiedSignal, (verified) => house.verified(verified));
  setHandler(requestPromotionUpdate, (request) => house.request(request), { validator: (request) => house.refuse(request) });

  const pollMs = durationMs(house.settings.pollInterval);
  const maxPolls = house.settings.continueAsNewAfterPolls ?? Number.POSITIVE_INFINITY;
  for (let polls = 1; ; polls++) {
    await house.poll();
    const pollAt = Date.now() + pollMs;
    for (;;) {
      await house.startDue();
      const until = Math.min(pollAt, house.nextDue() ?? pollAt) - Date.now();
      if (until <= 0) break;
      await condition(() => house.hasDue(), until);
    }
    if (polls >= maxPolls || workflowInfo().continueAsNewSuggested) break;
  }
  // A request still being handled would be lost with this run: let it finish (and add its freight) first.
  await condition(allHandlersFinished);
  return continueAsNew<typeof freightWarehouse>({ ...rawInput, knownFreight: house.freight, pending: house.pending });
}

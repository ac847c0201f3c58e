import { createBatchHandler } from '../../lib/batch-handler';
import type { RuntimeSource } from '../../lib/runtime';

/** Start: for each service of a batch, resume/pause it, join an operation in flight, or skip it. */
export function createHandler(source?: RuntimeSource) {
  return createBatchHandler('start', source);
}

export const handler = createHandler();

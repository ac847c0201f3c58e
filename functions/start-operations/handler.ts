import type { RuntimeSource } from '../../lib/runtime/runtime';
import { createBatchHandler } from '../operations/handler';

/** Start: for each service of a batch, resume/pause it, join an operation in flight, or skip it. */
export function createHandler(source?: RuntimeSource) {
  return createBatchHandler('start', source);
}

export const handler = createHandler();

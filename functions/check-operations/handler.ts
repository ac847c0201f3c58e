import type { RuntimeSource } from '../../lib/runtime/runtime';
import { createBatchHandler } from '../operations/handler';

/** Check: poll a batch's operations (in-function for a short window) and record finished services. */
export function createHandler(source?: RuntimeSource) {
  return createBatchHandler('check', source);
}

export const handler = createHandler();

import type { runLocalExecution } from '../local/executor';

/** What `run` needs from the local runner. */
export interface LocalRunner {
  runLocalExecution: typeof runLocalExecution;
  /** Writes to the real stdout while the runner captures what the functions print. */
  writeOut(text: string): void;
}

/**
 * The local runner (the real state machine definition and Lambda handlers, run in-process): a development
 * feature of the checkout. The packaged CLI replaces this module with local-runner.packaged.ts, so that the
 * installed package carries neither the handlers nor the workflow engine.
 */
export async function loadLocalRunner(): Promise<LocalRunner> {
  const [executor, capture] = await Promise.all([import('../local/executor'), import('../local/capture')]);
  return { runLocalExecution: executor.runLocalExecution, writeOut: capture.writeOut };
}

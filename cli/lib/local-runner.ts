/**
 * The local runner (the real state machine definition and Lambda handlers, run in-process): a development
 * feature of the checkout. The packaged CLI replaces this module with local-runner.packaged.ts, so that the
 * installed package carries neither the handlers nor the workflow engine.
 */
export async function loadLocalRunner(): Promise<typeof import('../local/executor')> {
  return import('../local/executor');
}

import {
  type Freeze,
  freezeEnd,
  freezeParameterName,
  InvalidFreezeError,
  isFrozen,
} from '../../lib/freeze/freeze';
import { SsmFreezeStore } from '../../lib/freeze/ssm-store';
import { type Patience, ssmClient } from './aws';
import { fromAwsError } from './errors';
import { formatUtc, relative } from './time';

export const ssmSite = (operation: string) =>
  ({ service: 'SSM', operation, endpointVariable: 'AWS_ENDPOINT_URL_SSM' }) as const;

/** The freeze store of a stage in a region, and a way to release its client. */
export function freezeStore(
  stage: string,
  region: string,
  patience?: Patience,
): { store: SsmFreezeStore; close(): void } {
  const client = ssmClient(region, patience);
  return { store: new SsmFreezeStore(client, freezeParameterName(stage)), close: () => client.destroy() };
}

/** What `status` knows about a stage's freeze: the freeze in force, none, or why it could not be read. */
export interface FreezeState {
  parameter: string;
  /** The freeze in force (expired ones are left out). */
  freeze?: Freeze;
  /** When it ends (ISO), with `freeze`. */
  until?: string;
  /** Why the freeze could not be read (access denied, unreachable, unreadable value). */
  error?: string;
  /** Not read: App Runner is a local emulator and SSM is not redirected. */
  skipped?: boolean;
}

/**
 * How long `status` waits for the freeze: one attempt of a few seconds. The freeze is a note above the
 * table; an SSM that does not answer must not hold the table back for three 10 s attempts.
 */
export const FREEZE_NOTE_PATIENCE: Required<Patience> = { maxAttempts: 1, requestTimeoutMs: 3_000 };

/** Reads a stage's freeze without failing: a problem is reported in `error`, never thrown. */
export async function readFreezeState(
  stage: string,
  region: string,
  now: number,
  patience: Patience = FREEZE_NOTE_PATIENCE,
): Promise<FreezeState> {
  const { store, close } = freezeStore(stage, region, patience);
  try {
    const freeze = await store.get();
    if (!isFrozen(freeze, now)) return { parameter: store.parameterName };
    return { parameter: store.parameterName, freeze, until: new Date(freezeEnd(freeze)).toISOString() };
  } catch (error) {
    const text =
      error instanceof InvalidFreezeError
        ? error.message
        : fromAwsError(error, ssmSite('GetParameter')).message;
    return { parameter: store.parameterName, error: text };
  } finally {
    close();
  }
}

/** `FROZEN until 2026-12-02 08:00Z (in 6d 23h) by user:alice: release freeze`. */
export function freezeText(freeze: Freeze, now: number): string {
  const end = freezeEnd(freeze);
  return `FROZEN until ${formatUtc(end)} (${relative(end, now)}) by ${freeze.by}: ${freeze.reason}`;
}

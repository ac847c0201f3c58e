import type { EmulatorBehaviour } from './fleet';

/** The realism switches, with defaults applied. */
export interface ResolvedBehaviour {
  resumeWhenRunning: 'invalid-state' | 'no-op';
  pauseWhenPaused: 'invalid-state' | 'no-op';
  listServicesPaging: {
    pageSize?: number;
    shortPagesEvery?: number;
    emptyPagesEvery?: number;
    trailingEmptyPage?: boolean;
  };
  listOperationsPaging: { pageSize?: number };
  /** The Resource Groups Tagging API's index (GetResources). */
  tagIndex: { lagSeconds?: number; pageSize?: number; emptyPagesEvery?: number };
  requestsPerSecond: number | null;
  pendingSeconds: number;
  deletedVisibleSeconds: number;
  seed: number;
}

export const defaultBehaviour: ResolvedBehaviour = {
  resumeWhenRunning: 'invalid-state',
  pauseWhenPaused: 'invalid-state',
  listServicesPaging: {},
  listOperationsPaging: {},
  tagIndex: {},
  requestsPerSecond: null,
  pendingSeconds: 1,
  deletedVisibleSeconds: 60,
  seed: 1,
};

/** The switches given in `patch` (undefined ones ignored) over `base`. */
export function mergeBehaviour(base: ResolvedBehaviour, patch: EmulatorBehaviour): ResolvedBehaviour {
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  return { ...base, ...defined } as ResolvedBehaviour;
}

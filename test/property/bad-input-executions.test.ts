import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorNames } from '../../lib/runtime/errors';
import { runRow } from '../reliability/harness';
import { type Input, mutation, validInput } from './arbitraries';

const fleet = {
  services: [
    { name: 'api-staging', status: 'PAUSED' as const, tags: { env: 'staging' } },
    { name: 'web-staging', status: 'RUNNING' as const, tags: { env: 'staging' } },
    { name: 'worker-staging', status: 'PAUSED' as const, tags: { env: 'staging' } },
  ],
};
const MUTATING = ['ResumeService', 'PauseService', 'TagResource', 'UntagResource'];

// A fixed seed: the same handful of generated bad inputs run through the whole state machine each time
// (the row harness's clock starts at the properties' NOW, so time-dependent mutations hold there too).
const samples = fc
  .sample(
    fc.tuple(validInput, mutation).map(([raw, m]) => ({ m, input: m.apply(structuredClone(raw) as Input) })),
    { seed: 7411, numRuns: 6 },
  )
  .map(({ m, input }) => ({ what: m.what, field: m.field, input }));

describe('bad input through the whole workflow', () => {
  it.each(samples)(
    'fails at Plan with InvalidInput naming $field and makes no App Runner call ($what)',
    async ({ field, input }) => {
      // Act
      const { world, result } = await runRow(fleet, input);

      // Assess
      expect(result.status).toBe('FAILED');
      expect(result.error?.name).toBe(ErrorNames.InvalidInput);
      expect(result.error?.message).toContain(field === '(input)' ? 'Unrecognized key' : field);
      expect(world.emulator.calls).toEqual([]);
      expect(result.invocations.PlanLambdaFunction.count).toBe(1);
      expect(result.invocations.StartOperationsLambdaFunction.count).toBe(0);
      expect(result.invocations.ReportLambdaFunction.count).toBe(0);
      expect(result.alerts).toEqual([]);
    },
  );

  it('refuses more named targets than MAX_TARGETS before any App Runner call', async () => {
    // Prepare
    const input = {
      action: 'resume',
      targets: { serviceNames: ['api-staging', 'web-staging', 'worker-staging'] },
    };

    // Act
    const { world, result } = await runRow(fleet, input, { env: { MAX_TARGETS: '2' } });

    // Assess
    expect(result.error).toMatchObject({
      name: ErrorNames.InvalidInput,
      message: 'targets: names 3 services; the limit is 2 per execution',
    });
    expect(world.emulator.calls).toEqual([]);
  });

  it('refuses a tag selection that grows past MAX_TARGETS after reading, before changing anything', async () => {
    // Prepare: tags are resolved by the tag index and the listing, so the limit is checked once they are.
    const input = { action: 'pause', targets: { tags: { env: 'staging' } } };

    // Act
    const { world, result } = await runRow(fleet, input, { env: { MAX_TARGETS: '2' } });

    // Assess
    expect(result.error).toMatchObject({
      name: ErrorNames.InvalidInput,
      message: 'targets: selects 3 services; the limit is 2 per execution',
    });
    expect(new Set(world.emulator.calls.map((c) => c.op))).toEqual(new Set(['ListServices']));
    expect(world.emulator.taggingCalls.map((c) => c.op)).toEqual(['GetResources']);
    expect(world.emulator.calls.filter((c) => MUTATING.includes(c.op))).toEqual([]);
  });
});

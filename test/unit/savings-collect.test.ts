import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, type FleetSpec, startEmulator } from '../../emulator/index';
import { SdkAppRunner } from '../../lib/app-runner/sdk';
import { ManualClock } from '../../lib/runtime/clock';
import { collectService } from '../../lib/savings/collect';
import { buildLedger } from '../../lib/savings/ledger';

// Reading what the ledger needs from App Runner, through the real SDK on the emulator: memory in both of
// App Runner's spellings, MinSize from the auto scaling configuration, and only as many ListOperations pages
// as the period needs.

const T0 = Date.UTC(2026, 10, 28, 6, 0, 0);
const H = 3_600_000;
const ago = (hours: number) => hours * 3600;

/** Pause/resume alternating, oldest first: resumed 120 h ago … paused 14 h ago (pauses take 36 s). */
const history: NonNullable<FleetSpec['services']>[number]['history'] = {
  operations: [
    { type: 'RESUME_SERVICE', startedSecondsAgo: ago(120), durationSeconds: 60 },
    { type: 'PAUSE_SERVICE', startedSecondsAgo: ago(96), durationSeconds: 36 },
    { type: 'RESUME_SERVICE', startedSecondsAgo: ago(80), durationSeconds: 60 },
    { type: 'PAUSE_SERVICE', startedSecondsAgo: ago(72), durationSeconds: 36 },
    { type: 'RESUME_SERVICE', startedSecondsAgo: ago(48), durationSeconds: 60 },
    { type: 'PAUSE_SERVICE', startedSecondsAgo: ago(38), durationSeconds: 36 },
    { type: 'RESUME_SERVICE', startedSecondsAgo: ago(24), durationSeconds: 60 },
    { type: 'PAUSE_SERVICE', startedSecondsAgo: ago(14), durationSeconds: 36 },
  ],
};

const fleet: FleetSpec = {
  accountId: '123456789012',
  region: 'us-east-1',
  options: { listOperationsPaging: { pageSize: 2 } },
  autoScalingConfigurations: [{ name: 'high-availability', minSize: 3, maxSize: 10, maxConcurrency: 50 }],
  services: [
    { name: 'mib-memory', status: 'PAUSED', instance: { cpu: '1024', memory: '2048' }, history },
    {
      name: 'gb-memory',
      status: 'PAUSED',
      instance: { cpu: '1 vCPU', memory: '2 GB' },
      autoScaling: 'high-availability',
      history,
    },
  ],
};

let emulator: Emulator;
let port: SdkAppRunner;

beforeAll(async () => {
  emulator = await startEmulator({ fleet, clock: new ManualClock(T0) });
  port = new SdkAppRunner({
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterAll(async () => {
  port?.destroy();
  await emulator?.stop();
});

describe('collecting a service for the savings ledger', () => {
  it('reads memory in either spelling and MinSize from the auto scaling configuration', async () => {
    // Prepare
    const from = T0 - 50 * H;
    const services = ['mib-memory', 'gb-memory'].map((name) => {
      const s = emulator.service(name);
      if (!s) throw new Error(name);
      return { arn: s.arn, name, region: 'us-east-1', status: 'PAUSED' as const };
    });

    // Act
    const inputs = await Promise.all(services.map((s) => collectService(port, s, from)));
    const ledger = buildLedger(inputs, { from, to: T0, timeZone: 'UTC' });

    // Assess: paused 2 h + 13.99 h + 13.99 h of the 50 h; × 2 GB × $0.007, and × 3 instances for MinSize 3.
    expect(inputs.map((i) => [i.name, i.memoryMb, i.minSize])).toEqual([
      ['mib-memory', 2048, 1],
      ['gb-memory', 2048, 3],
    ]);
    expect(
      ledger.services.map((r) => [r.service, r.pausedHours, r.runningHours, r.estimatedSavingsUsd]),
    ).toEqual([
      ['gb-memory', 29.98, 20.02, 1.2592],
      ['mib-memory', 29.98, 20.02, 0.4197],
    ]);
  });

  it('stops reading operations once it has one from before the period', async () => {
    // Prepare
    const s = emulator.service('mib-memory');
    if (!s) throw new Error('mib-memory');
    emulator.clearCalls();

    // Act
    const input = await collectService(
      port,
      { arn: s.arn, name: s.name, region: 'us-east-1', status: 'PAUSED' },
      T0 - 50 * H,
    );

    // Assess: pages of two, newest first; the third page holds the pause of 72 h ago, so the fourth is not read.
    expect(input.operations).toHaveLength(6);
    expect(emulator.calls.filter((c) => c.op === 'ListOperations')).toHaveLength(3);
  });
});

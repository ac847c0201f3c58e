import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageStack, REPO } from './package-stack';

const fixture = (name: string) => join(REPO, 'test/deploy/fixtures', name);

describe('packaging with a bad schedules file', () => {
  it.concurrent.each([
    {
      problem: 'an unknown time zone',
      file: 'bad-timezone.yml',
      says: 'schedule "morning": timezone: unknown time zone "Europe/Atlantis"',
    },
    {
      problem: 'a cron with both day fields set',
      file: 'bad-cron.yml',
      says: 'schedule "morning": cron: one of day-of-month and day-of-week must be "?"',
    },
    {
      problem: 'an unknown action',
      file: 'bad-action.yml',
      says: 'schedule "morning": action: unknown action',
    },
    { problem: 'no targets', file: 'no-targets.yml', says: 'schedule "morning": targets: no targets' },
    {
      problem: 'a duplicate name',
      file: 'duplicate-names.yml',
      says: 'schedule "morning": name: duplicate name',
    },
    {
      problem: 'an unknown holiday region and an impossible skip date',
      file: 'bad-holidays.yml',
      says: 'schedule "morning": skip.holidays[0]: unknown state "BX" of DE (did you mean BB (Brandenburg), BE (Berlin), BW (Baden-Württemberg)?)',
    },
    {
      problem: "an input over EventBridge's 8,192-character limit",
      file: 'too-large-input.yml',
      says: `characters even with public holidays of ${new Date().getUTCFullYear()} only, over EventBridge's 8,192-character limit`,
    },
  ])('fails naming the schedule and the field when it has $problem', async ({ file, says }) => {
    // Act
    const result = await packageStack({ schedulesFile: fixture(file) });

    // Assess
    expect(result.ok).toBe(false);
    expect(result.output).toContain(says);
  });
});

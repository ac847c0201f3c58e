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
  ])('fails naming the schedule and the field when it has $problem', async ({ file, says }) => {
    // Act
    const result = await packageStack({ schedulesFile: fixture(file) });

    // Assess
    expect(result.ok).toBe(false);
    expect(result.output).toContain(says);
  });
});

import * as z from 'zod';
import { ABSOLUTE_MAX_TARGETS } from '../contract/execution-input';
import { InvalidConfigError, issuesFromZod } from './errors';

const int = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

const ConfigSchema = z
  .object({
    AWS_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1'),
    /** SNS topic for alerts; empty disables publishing (the report says so). */
    ALERT_TOPIC_ARN: z
      .string()
      .regex(/^(arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256})?$/, 'must be an SNS topic ARN or empty')
      .default(''),
    /** failures: alert on FAILED/TIMED_OUT only; always: also a summary of every run. */
    ALERT_ON: z.enum(['failures', 'always'], { error: 'must be "failures" or "always"' }).default('failures'),
    OPERATION_DEADLINE_SECONDS: int(60, 5400, 900),
    POLL_INITIAL_DELAY_SECONDS: int(0, 600, 20),
    POLL_MIN_DELAY_SECONDS: int(1, 600, 2),
    POLL_MAX_DELAY_SECONDS: int(1, 3600, 60),
    POLL_WINDOW_SECONDS: int(0, 600, 40),
    POLL_INTERVAL_SECONDS: int(1, 60, 2),
    /** Read each service's past operations to predict when its operation ends (one ListOperations each). */
    POLL_FROM_HISTORY: z
      .enum(['true', 'false'], { error: 'must be "true" or "false"' })
      .default('true')
      .transform((v) => v === 'true'),
    /** Readiness (resume): give up this long after RUNNING; probe this often; each probe at most this long. */
    READY_TIMEOUT_SECONDS: int(10, 3600, 300),
    READY_PROBE_INTERVAL_SECONDS: int(1, 60, 2),
    READY_PROBE_TIMEOUT_SECONDS: int(1, 30, 2),
    /** Ready-by: the warm-up assumed after RUNNING, and the safety margin, when planning each service's start. */
    READY_WARMUP_SECONDS: int(0, 1800, 30),
    READY_BY_MARGIN_SECONDS: int(0, 3600, 60),
    /** Provisioned memory price ($/GB-hour) for the savings estimate; empty: the shipped price table. */
    PROVISIONED_PRICE_PER_GB_HOUR: z
      .string()
      .regex(/^(\d+(\.\d+)?)?$/, 'must be a price such as 0.007, or empty')
      .default('')
      .transform((v) => (v === '' ? undefined : Number(v))),
    /** Send every readiness probe to this base URL, with Host set to the service's URL (contract). */
    READY_CHECK_ENDPOINT_URL: z
      .string()
      .regex(
        /^(https?:\/\/[^\s/]+(\/[^\s]*)?)?$/,
        'must be an http(s) URL such as http://127.0.0.1:4610, or empty',
      )
      .default(''),
    /** Longest sleep inside a function between polls; a longer gap returns to the Wait state. */
    POLL_IN_FUNCTION_MAX_SLEEP_SECONDS: int(0, 600, 10),
    MAX_POLLS: int(1, 10_000, 400),
    MAX_CONCURRENT_OPERATIONS: int(1, 5000, 1000),
    BATCH_SIZE: int(1, ABSOLUTE_MAX_TARGETS, 1000),
    MAX_BATCH_CONCURRENCY: int(1, 1000, 10),
    APPRUNNER_MAX_REQUESTS_PER_SECOND: int(1, 1000, 10),
    MAX_TARGETS: int(1, ABSOLUTE_MAX_TARGETS, 1000),
    /** Attempts the SDK itself makes per call; the workflow retries on top of that on its own clock. */
    APPRUNNER_SDK_MAX_ATTEMPTS: int(1, 10, 3),
    /**
     * History events one execution may reach in the worst case (Step Functions' hard limit is 25,000);
     * large fleets poll less often to stay within it. Only raise it for a state machine whose batches run
     * as child executions (a Distributed Map), each with its own history.
     */
    HISTORY_EVENT_BUDGET: int(1000, 10_000_000, 20_000),
    APPRUNNER_REQUEST_TIMEOUT_MS: int(100, 60_000, 5000),
    /** The stage's freeze (an SSM parameter the CLI writes); empty: freezes are not looked up. */
    FREEZE_PARAMETER_NAME: z
      .string()
      .regex(/^(\/[\w.\-/]+)?$/, 'must be an SSM parameter name such as /apprunner-scheduler/prod/freeze')
      .default(''),
  })
  .superRefine((c, ctx) => {
    if (c.POLL_MIN_DELAY_SECONDS > c.POLL_MAX_DELAY_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['POLL_MIN_DELAY_SECONDS'],
        message: 'must not exceed POLL_MAX_DELAY_SECONDS',
      });
    }
  });

export type Config = Readonly<z.output<typeof ConfigSchema>>;

/** Every setting's default (what a function gets with nothing set but its region). */
export const CONFIG_DEFAULTS: Config = Object.freeze(ConfigSchema.parse({ AWS_REGION: 'us-east-1' }));

/** The function environment as the local runner gives it: this process's environment plus `overrides`. */
export function loadConfigWith(overrides: Record<string, string>): Config {
  return loadConfig({ ...process.env, ...overrides });
}

/**
 * Reads and validates the function environment once. Unknown variables are ignored; every bad or
 * missing one is listed in a single {@link InvalidConfigError}.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "not set" so that serverless.yml can pass optional parameters through.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) throw new InvalidConfigError(issuesFromZod(parsed.error));
  return Object.freeze(parsed.data);
}

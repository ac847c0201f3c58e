import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const REPO = resolve(import.meta.dirname, '../..');
const OSLS = join(REPO, 'node_modules/osls/bin/serverless.js');

export interface CfnResource {
  Type: string;
  Condition?: string;
  Properties: Record<string, unknown>;
}

export interface CfnTemplate {
  Parameters?: Record<string, { Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
  Outputs: Record<string, { Value: unknown }>;
}

export interface PackageResult {
  ok: boolean;
  output: string;
  dir: string;
  templatePath: string;
  template?: CfnTemplate;
}

/** Removes a package run's output directory. */
export async function removePackage(result: PackageResult): Promise<void> {
  await rm(result.dir, { recursive: true, force: true });
}

/**
 * osls keeps state in <repo>/.serverless whatever `--package` says, so package runs of different test files
 * (vitest runs files in parallel processes) take turns through a lock directory next to the temp dirs.
 */
const LOCK = join(
  tmpdir(),
  `apprunner-scheduler-package-${createHash('sha1').update(REPO).digest('hex').slice(0, 12)}.lock`,
);
const STALE_LOCK_MS = 120_000;

async function withPackageLock<T>(fn: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const since = await stat(LOCK).then(
        (s) => s.mtimeMs,
        () => Date.now(),
      );
      // A lock older than any package run was left by a killed process.
      if (Date.now() - since > STALE_LOCK_MS) await rm(LOCK, { recursive: true, force: true });
      else if (Date.now() > giveUpAt) throw new Error(`another osls package run holds ${LOCK}`);
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

/**
 * Runs `osls package` offline for stage "test" in eu-west-1 into a fresh temporary directory and returns the
 * CloudFormation template, or the error output. Runs from several test files take turns (see the lock).
 */
export function packageStack(opts: PackageOptions = {}): Promise<PackageResult> {
  return withPackageLock(() => packageOnce(opts));
}

export interface PackageOptions {
  schedulesFile?: string;
  /** serverless.yml `params` to override, as `--param="name=value"` would (the acceptance tests poll faster). */
  params?: Record<string, string>;
}

async function packageOnce(opts: PackageOptions): Promise<PackageResult> {
  const dir = await mkdtemp(join(tmpdir(), 'apprunner-scheduler-package-'));
  const work = `.esbuild/test-${process.pid}-${Date.now()}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Packaging needs no account: no credentials, no telemetry, no update checks.
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_PROFILE: undefined,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_TRACKING_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_INTERACTIVE_SETUP_DISABLE: '1',
    CI: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ESBUILD_WORK_FOLDER: work,
    SCHEDULES_FILE: opts.schedulesFile,
  };
  const args = [OSLS, 'package', '--stage', 'test', '--region', 'eu-west-1', '--package', dir];
  for (const [name, value] of Object.entries(opts.params ?? {})) args.push(`--param=${name}=${value}`);
  const templatePath = join(dir, 'cloudformation-template-update-stack.json');
  try {
    const { stdout, stderr } = await run(process.execPath, args, {
      cwd: REPO,
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    const template = JSON.parse(await readFile(templatePath, 'utf8')) as CfnTemplate;
    return { ok: true, output: stdout + stderr, dir, templatePath, template };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    await rm(dir, { recursive: true, force: true });
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message, dir, templatePath };
  }
}

/** Resources of one type, by logical id. */
export function resourcesOfType(template: CfnTemplate, type: string): Record<string, CfnResource> {
  return Object.fromEntries(Object.entries(template.Resources).filter(([, r]) => r.Type === type));
}

/** An IAM policy statement as the template holds it. */
export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Principal?: unknown;
}

/** The App Runner services of the stack's own account and region. */
export const SERVICE_ARNS = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JS template.
  'Fn::Sub': 'arn:${AWS::Partition}:apprunner:${AWS::Region}:${AWS::AccountId}:service/*',
};
/** The App Runner auto scaling configurations of the stack's own account and region (read for savings). */
export const SCALING_ARNS = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JS template.
  'Fn::Sub': 'arn:${AWS::Partition}:apprunner:${AWS::Region}:${AWS::AccountId}:autoscalingconfiguration/*',
};
/** The condition that pins ListServices (no resource-level permissions) to the stack's region. */
export const THIS_REGION_ONLY = { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } };

/**
 * The CLI's view of its environment: the one place the CLI reads process.env (besides the SDK's own
 * standard configuration, which the SDK reads itself).
 */

/** An environment variable, or undefined when unset or empty. */
export function envVar(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** `AWS_ENDPOINT_URL_<SERVICE>` variables of the services the CLI calls. */
export const ENDPOINT_VARIABLES = {
  appRunner: 'AWS_ENDPOINT_URL_APPRUNNER',
  sfn: 'AWS_ENDPOINT_URL_SFN',
  cloudFormation: 'AWS_ENDPOINT_URL_CLOUDFORMATION',
  ssm: 'AWS_ENDPOINT_URL_SSM',
  scheduler: 'AWS_ENDPOINT_URL_SCHEDULER',
} as const;

/** True when the URL points at this machine (an emulator, moto): such endpoints need no real credentials. */
export function isLoopbackUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** Whether the service behind this endpoint variable is redirected to a local endpoint. */
export function isLocalEndpoint(variable: string): boolean {
  return isLoopbackUrl(envVar(variable));
}

/** Exit codes, documented in the README: 0 success, 1 some service failed, 2 usage or input error. */
export const ExitCode = { Ok: 0, ServicesFailed: 1, Usage: 2 } as const;

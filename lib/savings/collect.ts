import {
  type AppRunnerPort,
  type AutoScalingInfo,
  type OperationInfo,
  operationPages,
  type ServiceInfo,
} from '../app-runner/port';
import type { LedgerServiceInput } from './ledger';

/** App Runner's own MinSize default (DefaultConfiguration), used when a service names no configuration. */
const DEFAULT_MIN_SIZE = 1;

/** 20 operations a page: 50 pages is 1,000 operations, years of a nightly schedule. */
const MAX_OPERATION_PAGES = 50;

/**
 * A service's operations, newest first, down to the first one that started at or before `from` (the state at
 * `from` follows from it), or as far as App Runner's history goes, reading at most `maxPages` pages.
 */
export async function operationsSince(
  port: AppRunnerPort,
  arn: string,
  from: number,
  maxPages = MAX_OPERATION_PAGES,
): Promise<OperationInfo[]> {
  const operations: OperationInfo[] = [];
  for await (const items of operationPages(port, arn, maxPages)) {
    operations.push(...items);
    if (items.some((op) => op.startedAt !== undefined && op.startedAt <= from)) break;
  }
  return operations;
}

/**
 * Reads what the ledger needs about one service: DescribeService (status, memory, auto scaling configuration),
 * DescribeAutoScalingConfiguration (MinSize; one call per configuration, shared through `scaling`) and its
 * operations back to `from`. App Runner errors propagate as the port's AppRunnerCallError.
 */
export async function collectService(
  port: AppRunnerPort,
  service: ServiceInfo,
  from: number,
  scaling: Map<string, Promise<AutoScalingInfo>> = new Map(),
): Promise<LedgerServiceInput> {
  const described = await port.describeService(service.arn);
  const configArn = described.autoScalingConfigurationArn;
  let minSize = DEFAULT_MIN_SIZE;
  if (configArn) {
    let config = scaling.get(configArn);
    if (!config) {
      config = port.describeAutoScalingConfiguration(configArn);
      scaling.set(configArn, config);
    }
    minSize = (await config).minSize;
  }
  const operations = await operationsSince(port, service.arn, from);
  return {
    name: described.name || service.name,
    arn: service.arn,
    region: described.region || service.region,
    status: described.status,
    operations,
    minSize,
    ...(configArn ? {} : { minSizeAssumed: true }),
    ...(described.memoryMb !== undefined ? { memoryMb: described.memoryMb } : {}),
    ...(described.createdAt !== undefined ? { createdAt: described.createdAt } : {}),
  };
}

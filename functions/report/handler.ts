import { SnsAlertPublisher } from '../../lib/alerts';
import type { ExecutionReport } from '../../lib/contract/execution-result';
import { makeHandler } from '../../lib/runtime/handler';
import { lambdaRuntime, type RuntimeSource } from '../../lib/runtime/runtime';
import { parsePayload, ReportEventSchema } from '../../lib/workflow/step-payloads';
import { buildReport, type ReportEvent } from './core';

/** Report: the final report, metrics (EMF) and the alert. */
export function createHandler(
  source: RuntimeSource = lambdaRuntime({ alerts: (config) => new SnsAlertPublisher(config.AWS_REGION) }),
) {
  return makeHandler<unknown, ExecutionReport>(async (event, rt) => {
    const parsed = parsePayload(ReportEventSchema, event, 'report') as unknown as ReportEvent;
    const log = rt.logger.createChild({
      persistentKeys: { executionId: parsed.run.executionId, step: 'report' },
    });
    const { report, metrics } = await buildReport(parsed, {
      clock: rt.clock,
      config: rt.config,
      alerts: rt.alerts,
      log,
    });
    // Added and flushed in one synchronous stretch, so concurrent in-process runs never mix metrics.
    rt.metrics.addDimension('Action', report.action);
    for (const m of metrics) rt.metrics.addMetric(m.name, m.unit, m.value);
    rt.metrics.publishStoredMetrics();
    return report;
  }, source);
}

export const handler = createHandler();

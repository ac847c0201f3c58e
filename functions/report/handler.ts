import { SnsAlertPublisher } from '../../lib/alerts';
import type { ExecutionReport } from '../../lib/contract/execution-result';
import { ServicesFailedError } from '../../lib/runtime/errors';
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
    for (const m of metrics) if (!m.dimensions) rt.metrics.addMetric(m.name, m.unit, m.value);
    rt.metrics.publishStoredMetrics();
    for (const m of metrics.filter((point) => point.dimensions)) {
      const single = rt.metrics.singleMetric();
      for (const [name, value] of Object.entries(m.dimensions ?? {})) single.addDimension(name, value);
      single.addMetric(m.name, m.unit, m.value);
    }
    // A run that needs attention ends the execution failed, with the report as the cause: the state machine
    // takes it from this error's message (statemachine/scheduler.asl.yaml, "Take the report from the verdict").
    if (report.summary.failed + report.summary.timedOut > 0) throw servicesFailed(report);
    return report;
  }, source);
}

/** The verdict as Lambda reports it: the report as the message, no stack (the cause must stay small). */
function servicesFailed(report: ExecutionReport): ServicesFailedError {
  const error = new ServicesFailedError(JSON.stringify(report));
  error.stack = error.name;
  return error;
}

export const handler = createHandler();

import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import { patched, type WorkflowInterceptors } from '@temporalio/workflow';
import { currentCodePatch } from './patches';

/**
 * Journeys recorded before tracing (and before `currentCodePatch`) replay without Temporal's
 * OpenTelemetry interceptors: those await where the plain calls did not, which reorders an
 * update's completion against the journey's commands. A journey already running is traced from
 * its first task on a worker with this module on.
 */
const tracingPatch = 'opentelemetry-traces';

/**
 * Temporal's OpenTelemetry workflow interceptors behind `tracingPatch` (bundled by
 * workers/workflow-bundle.ts). Queries and update validators stay untraced: a patch cannot be
 * asked where no command may be issued.
 */
export const interceptors = (): WorkflowInterceptors => {
  const inbound = new OpenTelemetryInboundInterceptor();
  const outbound = new OpenTelemetryOutboundInterceptor();
  // A current run records only the one patch (see ./patches); an older run asks for this one.
  const traced = () => patched(currentCodePatch) || patched(tracingPatch);
  return {
    inbound: [
      {
        execute: (input, next) => (traced() ? inbound.execute(input, next) : next(input)),
        handleSignal: (input, next) => (traced() ? inbound.handleSignal(input, next) : next(input)),
        handleUpdate: (input, next) => (traced() ? inbound.handleUpdate(input, next) : next(input)),
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => (traced() ? outbound.scheduleActivity(input, next) : next(input)),
        scheduleLocalActivity: (input, next) =>
          traced() ? outbound.scheduleLocalActivity(input, next) : next(input),
        startChildWorkflowExecution: (input, next) =>
          traced() ? outbound.startChildWorkflowExecution(input, next) : next(input),
        continueAsNew: (input, next) => (traced() ? outbound.continueAsNew(input, next) : next(input)),
        signalWorkflow: (input, next) => (traced() ? outbound.signalWorkflow(input, next) : next(input)),
        // Only reads the active span: log lines of a traced journey name their trace.
        getLogAttributes: (input, next) => outbound.getLogAttributes(input, next),
      },
    ],
    internals: [new OpenTelemetryInternalsInterceptor()],
  };
};

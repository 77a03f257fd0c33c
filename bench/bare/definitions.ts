import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/**
 * The bare baseline: the least a Temporal workflow can do with the same inputs as a journey, so each
 * carepath figure can be divided by what the same servers do with no care rules, no encryption and
 * no bridge in between.
 */

/** One input counted; it carries the client event a journey would get, so payloads weigh the same. */
export const countSignal = defineSignal<[unknown]>('count');
/** The same, answering with the count once the workflow has applied it (a journey's Update path). */
export const countUpdate = defineUpdate<number, [unknown]>('countAndWait');
/** Asks for one notification: the workflow runs one activity that produces one Kafka record. */
export const probeSignal = defineSignal<[string]>('probe');

/** A read of a notifying workflow: the probes it has been given, answered by its worker as a journey's state is. */
export const probesQuery = defineQuery<number>('probes');

/** Where the baseline's activity produces its records; created by the bare worker at start. */
export const bareTopic = 'carepath.bench.bare-notifications.v1';
/** The `source` of the baseline's records, as the outbound tap keys events by `source id`. */
export const bareSource = 'urn:carepath:bench:bare';

/** The key the outbound tap files a baseline record under. */
export const bareRecordKey = (probeId: string): string => `${bareSource} ${probeId}`;

/** The activities of the bare worker, shared by the workflow (types only) and the worker. */
export interface BareActivities {
  notify(streamId: string, probeId: string): Promise<void>;
}

/** A loopback port on which the bare worker serves the SDK's metrics (Prometheus), when set. */
export const bareMetricsPortVariable = 'BENCH_BARE_METRICS_PORT';

/** The log line the bare worker prints once it polls. */
export const bareWorkerReady = 'bare worker started';

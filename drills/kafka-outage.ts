import type { Harness } from './harness';
import { outageUnderLoad, type LabServer, type OutageOptions } from './load';
import type { DrillResult } from './report';

/**
 * The Kafka broker stopped under load and restarted. The feed waits, the bridge and the
 * effect activities retry; nothing may be lost or applied twice.
 */
export function kafkaOutageDrill(harness: Harness, opts: OutageOptions): Promise<DrillResult> {
  return outageUnderLoad(harness, 'kafka-outage', opts, kafkaBroker(harness));
}

/** The lab's Kafka broker, as a server a drill stops and restarts. */
export const kafkaBroker = (harness: Harness): LabServer => ({
  what: 'Kafka broker',
  stop: () => harness.lab.stopKafka(),
  start: () => harness.lab.startKafka(),
  restartedOn: 'on the same port and log dirs',
});

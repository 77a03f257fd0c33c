import type { Harness } from './harness';
import { kafkaOutageDrill } from './kafka-outage';
import { malformedDrill } from './malformed';
import { poisonDrill, poisonKinds } from './poison';
import { redeliveryDrill } from './redelivery';
import type { DrillResult } from './report';
import { temporalRestartDrill } from './temporal-restart';
import { workerKillDrill } from './worker-kill';

/** The sizes `npm run drill` takes; each drill uses those that concern it. */
export interface DrillSizes {
  clients: number;
  events: number;
  kills: number;
  killEverySeconds: number;
  kafkaOutageSeconds: number;
  /** poison: minutes the Kafka broker stays down in the middle of its traffic (0: none). */
  poisonKafkaOutageMinutes: number;
  temporalDownSeconds: number;
  /** cluster: seconds each killed process stays down. */
  clusterDownSeconds: number;
  bad: number;
  seed: number;
  settleSeconds: number;
}

/** Load before and after an outage. */
export const leadSeconds = 10;

/** The drills, in the order `npm run drill` runs them. */
export const drills = {
  redelivery: (harness: Harness, s: DrillSizes) =>
    redeliveryDrill(harness, { ...s, reorderShare: 0.3, copySpread: 4 }),
  'worker-kill': (harness: Harness, s: DrillSizes) => workerKillDrill(harness, s),
  'kafka-outage': (harness: Harness, s: DrillSizes) =>
    kafkaOutageDrill(harness, { ...s, downSeconds: s.kafkaOutageSeconds, leadSeconds }),
  'temporal-restart': (harness: Harness, s: DrillSizes) =>
    temporalRestartDrill(harness, { ...s, downSeconds: s.temporalDownSeconds, leadSeconds }),
  malformed: (harness: Harness, s: DrillSizes) => malformedDrill(harness, s),
  poison: (harness: Harness, s: DrillSizes) =>
    poisonDrill(harness, {
      ...s,
      bad: poisonKinds.length,
      kafkaDownSeconds: Math.round(s.poisonKafkaOutageMinutes * 60),
      leadSeconds,
    }),
} satisfies Record<string, (harness: Harness, sizes: DrillSizes) => Promise<DrillResult>>;

export type DrillName = keyof typeof drills;
export const drillNames = Object.keys(drills) as DrillName[];

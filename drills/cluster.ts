import type { ClusterLab } from '../testkit/cluster-lab';
import { carepathTopics } from '../schemas/contract';
import type { TrafficOptions } from './drill';
import type { Harness, ServiceSlot } from './harness';
import { drillUnderLoad, outage, type LabServer } from './load';
import type { DrillResult, Progress } from './report';

/** carepath scaled out: two journey workers, two bridges in one consumer group, and the API, each a process. */
export const clusterDeployment: readonly ServiceSlot[] = [
  { name: 'worker-1', role: 'worker' },
  { name: 'worker-2', role: 'worker' },
  { name: 'bridge-1', role: 'bridge' },
  { name: 'bridge-2', role: 'bridge' },
  { name: 'api', role: 'api' },
];

export interface ClusterDrillOptions extends TrafficOptions {
  /** How long each killed process stays down before it is started again. */
  downSeconds: number;
  /** Load before each kill. */
  leadSeconds: number;
}

/** A worker restart bundles the workflows: on a small machine it takes about this long. */
const restartSecondsEstimate = 20;

/** The three failures, in turn: one Kafka broker, one Temporal history process, one journey worker. */
function failures(harness: Harness, lab: ClusterLab): LabServer[] {
  const broker = lab.size.brokers;
  const [history] = lab.temporalMembers('history');
  const [worker] = clusterDeployment.filter((slot) => slot.role === 'worker');
  if (history === undefined || worker === undefined)
    throw new Error('the cluster drill needs a history member and a worker');
  return [
    {
      what: `Kafka broker ${broker}`,
      stop: () => lab.killBroker(broker),
      start: () => lab.startBroker(broker),
      restartedOn:
        'on its port and log dirs (the other two brokers, a quorum of the three controllers, kept running)',
    },
    {
      what: `Temporal ${history} process`,
      stop: () => lab.killTemporalMember(history),
      start: () => lab.startTemporalMember(history),
      restartedOn: 'on the same ports (the other history process kept running)',
    },
    {
      what: `journey ${worker.name} process`,
      stop: () => harness.killService(worker.name),
      start: () => harness.startService(worker.name),
      restartedOn: 'on the same task queue (the other journey worker kept running)',
    },
  ];
}

/** The replicas and `min.insync.replicas` of the inbound topic, as the cluster reports them. */
async function inboundReplication(harness: Harness): Promise<string> {
  const topic = carepathTopics['client-events'];
  const { replicasPerPartition, minInsyncReplicas } = await harness.admin.replication(topic);
  const replicas = [...new Set(replicasPerPartition)].join('/');
  const minInSync = minInsyncReplicas ?? '?';
  return `${topic}: ${replicasPerPartition.length} partitions, ${replicas} replicas each, min.insync.replicas ${minInSync}`;
}

/**
 * carepath on a Temporal cluster (separate frontend, history, matching, worker processes on
 * PostgreSQL) and a three-broker Kafka, under load, while a broker, a history process and a journey
 * worker are killed in turn and restarted: nothing may be lost or applied twice.
 */
export function clusterDrill(
  harness: Harness,
  lab: ClusterLab,
  opts: ClusterDrillOptions,
): Promise<DrillResult> {
  const steps = failures(harness, lab);
  const feedSeconds =
    steps.length * (opts.leadSeconds + opts.downSeconds) + restartSecondsEstimate + opts.leadSeconds;
  return drillUnderLoad(harness, 'cluster', { ...opts, feedSeconds }, async (progress: Progress, load) => {
    const did = [
      `ran ${clusterDeployment.map((slot) => `${slot.name} (--role ${slot.role})`).join(', ')} as processes of their own`,
      ...lab.describe(),
      await inboundReplication(harness),
      `each stop below is a SIGKILL (no graceful shutdown), one failure at a time`,
    ];
    for (const step of steps) did.push(...(await outage(harness, opts, step)(progress, load)));
    return did;
  });
}

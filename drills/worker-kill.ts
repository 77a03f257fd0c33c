import { setTimeout as sleep } from 'node:timers/promises';
import type { Harness } from './harness';
import type { TrafficOptions } from './drill';
import { drillUnderLoad } from './load';
import type { DrillResult } from './report';

export interface WorkerKillOptions extends TrafficOptions {
  kills: number;
  /** How long the services run, once up, before the next SIGKILL. */
  killEverySeconds: number;
}

/** A restart takes about this long on a small machine (the worker bundles the workflows): the feed spans the kills. */
const restartSecondsEstimate = 20;

/**
 * carepath's services process (journey worker, bridge, API) SIGKILLed every few seconds
 * while events arrive, and restarted each time. Temporal retries the workflow and activity tasks the
 * dead worker held; the bridge re-reads what it had not committed.
 */
export function workerKillDrill(harness: Harness, opts: WorkerKillOptions): Promise<DrillResult> {
  const feedSeconds = opts.kills * (opts.killEverySeconds + restartSecondsEstimate);
  return drillUnderLoad(harness, 'worker-kill', { ...opts, feedSeconds }, async (progress) => {
    const sentBefore = harness.inboundSent;
    const backlog: number[] = [];
    const restarts: number[] = [];
    for (let kill = 1; kill <= opts.kills; kill++) {
      await sleep(opts.killEverySeconds * 1000);
      backlog.push(await harness.bridgeLag());
      await harness.killServices(progress);
      const restarting = Date.now();
      await harness.startServices(progress);
      restarts.push((Date.now() - restarting) / 1000);
      progress('services killed and restarted', {
        kill,
        of: opts.kills,
        sent: harness.inboundSent - sentBefore,
      });
    }
    const average = restarts.reduce((a, b) => a + b, 0) / Math.max(restarts.length, 1);
    return [
      `SIGKILLed the services process (worker, bridge, API) ${opts.kills} times, ${opts.killEverySeconds} s ` +
        `after each start, and restarted it (${average.toFixed(0)} s per restart)`,
      `inbound messages not yet committed by the bridge at each kill: ${backlog.join(', ')}`,
    ];
  });
}

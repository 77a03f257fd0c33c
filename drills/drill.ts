import type { ClientEvent } from '../schemas';
import type { Harness } from './harness';
import { progressOf, type DrillResult, type Progress } from './report';
import { clientStreams, runPrefix, seededRandom, type Random } from './scenario';
import { judge, type DrillRun } from './verdict';

/** The traffic every drill sends: valid clients' events, sized by the caller. */
export interface TrafficOptions {
  clients: number;
  /** Events per client, the admission included. */
  events: number;
  seed: number;
  /** How long to wait for carepath to finish after the last message was sent. */
  settleSeconds: number;
}

export interface Drill {
  progress: Progress;
  random: Random;
  prefix: string;
  /** Each client's events in the order the EHR meant them, the admission first. */
  streams: ClientEvent[][];
  /**
   * Waits for carepath to finish what the drill sent, and judges it; `extraSettleSeconds` lengthens
   * the wait, for a drill after which journeys may still be pausing between send rounds.
   */
  judge(
    what: Pick<DrillRun, 'did' | 'delivered' | 'sent' | 'expectedDeadLetters' | 'inserted'> & {
      extraSettleSeconds?: number;
    },
  ): Promise<DrillResult>;
}

/**
 * What every drill starts with: its clients under a prefix of its own, a seeded random source, and
 * the inbound topic's end, taken before it sends anything so that later dead letters are its own.
 */
export async function beginDrill(harness: Harness, name: string, opts: TrafficOptions): Promise<Drill> {
  const progress = progressOf(name);
  await harness.ensureServices(progress);
  const started = Date.now();
  const random = seededRandom(opts.seed);
  const prefix = runPrefix(name);
  const streams = clientStreams(prefix, opts.clients, opts.events, random);
  const marks = await harness.inboundMarks();
  return {
    progress,
    random,
    prefix,
    streams,
    judge: ({ extraSettleSeconds = 0, ...what }) =>
      judge(
        harness,
        {
          ...what,
          name,
          prefix,
          started,
          marks,
          settleSeconds: opts.settleSeconds + extraSettleSeconds,
          did: [
            `${opts.clients} clients (programs default and full-continuum), ${opts.events} events each ` +
              `(seed ${opts.seed})`,
            ...what.did,
          ],
        },
        progress,
      ),
  };
}

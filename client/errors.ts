import type { PathwayRefusal } from '../pathway/errors';

/** What a coordinator's request to a journey can fail with, each saying what to do next. */

export class JourneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class EpisodeAlreadyOpen extends JourneyError {
  constructor(readonly clientId: string) {
    super(
      `Client ${clientId} already has an open episode: record events on it, or discharge it before readmitting.`,
    );
  }
}

export class NoOpenEpisode extends JourneyError {
  constructor(readonly clientId: string) {
    super(`Client ${clientId} has no open episode: admit the client first.`);
  }
}

export class UnknownClient extends JourneyError {
  constructor(readonly clientId: string) {
    super(`No episode was ever recorded for client ${clientId}: check the id, or admit the client.`);
  }
}

/** Every failure type a journey refuses a request with: the care rules' refusals, and invalid input. */
export type JourneyRefusal = PathwayRefusal | 'InvalidInput';

/**
 * The care rules or the input refused a request (e.g. TransitionRefused with its allowed targets,
 * InvalidInput with zod issues). `type` is the refusal's name; `details` its data.
 */
export class RequestRefused extends JourneyError {
  constructor(
    /** A JourneyRefusal; a string as received, since a journey of another release may send another. */
    readonly type: string,
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * This process already has as many queries of open journeys in flight and waiting as it allows
 * (`CAREPATH_MAX_CONCURRENT_QUERIES`, `CAREPATH_MAX_QUEUED_QUERIES`): the read was not sent.
 */
export class ReadsBusy extends JourneyError {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many reads of open journeys are waiting in this process: retry after ${retryAfterSeconds} s.`);
  }
}

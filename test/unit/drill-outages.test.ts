import { outage, outageLine, type LabServer, type LoadMark } from '../../drills/load';

/**
 * The cluster drill stops three servers in turn during one load. Each outage's line must say when,
 * from the start of that load, it happened and how many of the load's events had been sent by then.
 */
describe('outages during one load', () => {
  test('each outage tells its own moment and the events sent by then, counted from the start of the load', async () => {
    let nowMs = 0;
    // Set-up records the drill produced before the load are not the load's.
    const harness = { inboundSent: 6, bridgeLag: async () => 4 };
    const load: LoadMark = { sentBefore: 6, elapsedMs: () => nowMs };
    /** The load runs on while the server is away and while it restarts: 2.7 events a second. */
    const server = (what: string): LabServer => ({
      what,
      restartedOn: 'on its own ports',
      stop: async () => undefined,
      start: async () => {
        nowMs += 20_000;
        harness.inboundSent += 54;
      },
    });
    const lines: string[] = [];
    for (const what of ['Kafka broker 3', 'Temporal history-1 process', 'journey worker-1 process']) {
      // The lead before each stop.
      nowMs += 10_000;
      harness.inboundSent += 27;
      lines.push(
        ...(await outage(harness, { leadSeconds: 0, downSeconds: 0 }, server(what))(() => undefined, load)),
      );
    }
    expect(lines).toEqual([
      'stopped the Kafka broker 3 10 s into the load (27 events sent by then, 4 not yet committed by the ' +
        'bridge) for 0 s, then restarted it on its own ports',
      'stopped the Temporal history-1 process 40 s into the load (108 events sent by then, 4 not yet ' +
        'committed by the bridge) for 0 s, then restarted it on its own ports',
      'stopped the journey worker-1 process 70 s into the load (189 events sent by then, 4 not yet ' +
        'committed by the bridge) for 0 s, then restarted it on its own ports',
    ]);
  });

  test('the moment is rounded to whole seconds', () => {
    expect(
      outageLine(
        { what: 'Kafka broker 1', restartedOn: 'on its port' },
        { intoLoadMs: 12_499, sent: 3, notCommitted: 0, downSeconds: 15 },
      ),
    ).toBe(
      'stopped the Kafka broker 1 12 s into the load (3 events sent by then, 0 not yet committed by the ' +
        'bridge) for 15 s, then restarted it on its port',
    );
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { testDataConverter } from '../stack/environments';
import { journeyWorkerTracing } from '../../workers/tracing';
import { testStack } from '../stack/test-stack';
import { historyFixturesDir } from './journey-harness';

/**
 * The determinism guard: histories of real journeys (recorded with `npm run fixtures:histories`)
 * replayed against today's workflow code. A change that would break a running journey fails here;
 * such a change needs `patched()` so old histories keep replaying.
 */
describe('recorded journey histories', () => {
  const files = readdirSync(historyFixturesDir).filter((file) => file.endsWith('.history'));
  // Histories of the code before each patch stay: journeys running then must still replay.
  const olderFiles = readdirSync(historyFixturesDir, { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.history') && !files.includes(file),
  );

  test('cover every reference program, continue-as-new, an import, a program version move and the outbox through an outage', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'reference-step-down-iop.history',
        'reference-milestone-tapered-iop.history',
        'reference-flexible-intensity-iop.history',
        'reference-holistic-iop.history',
        'reference-full-continuum.history',
        'after-continue-as-new.history',
        'imported-then-moved-to-version-2.history',
        'outbox-failing-rounds.history',
        'outbox-carried-unsent.history',
        'outbox-parked-effect.history',
        'outbox-handed-over-at-discharge.history',
      ]),
    );
  });

  test('include journeys recorded before effects became local activities', () => {
    expect(olderFiles).toEqual(
      expect.arrayContaining([join('with-effect-activities', 'reference-milestone-tapered-iop.history')]),
    );
  });

  test('include journeys recorded calling every patch, with a local activity per stream and the whole state in each answer', () => {
    expect(olderFiles).toEqual(
      expect.arrayContaining([
        join('before-one-patch-per-run', 'reference-milestone-tapered-iop.history'),
        join('before-one-patch-per-run', 'outbox-failing-rounds.history'),
        join('before-one-patch-per-run', 'outbox-parked-effect.history'),
      ]),
    );
  });

  test('include journeys admitted under care-rule revision 1', () => {
    expect(olderFiles).toEqual(
      expect.arrayContaining([
        join('before-care-rules-revision-2', 'reference-full-continuum.history'),
        join('before-care-rules-revision-2', 'no-contact-escalated-then-approved.history'),
      ]),
    );
  });

  test("include journeys recorded before the clinic's clock, with 7-day weeks from admission", () => {
    expect(olderFiles).toEqual(
      expect.arrayContaining([
        join('before-care-rules-revision-2', 'reference-step-down-iop.history'),
        join('before-care-rules-revision-2', 'after-continue-as-new.history'),
      ]),
    );
  });

  // The tracing interceptors add no history events: a journey recorded on a traced worker replays on an
  // untraced one and the other way round, so turning tracing on or off never breaks a running journey.
  // Fixtures recorded before the two bundles ran traced; `imported-then-moved-to-version-2` untraced.
  test.each([
    ['untraced', () => testStack().bundlePath],
    ['traced', () => testStack().tracedBundlePath],
  ])('replay deterministically with the current workflow code, %s', async (_bundle, bundlePath) => {
    const histories = [...files, ...olderFiles].map((file) => ({
      workflowId: file.replace(/\.history$/, ''),
      history: temporal.api.history.v1.History.decode(readFileSync(join(historyFixturesDir, file))),
    }));
    const results: { workflowId: string; error?: unknown }[] = [];
    for await (const result of Worker.runReplayHistories(
      // With carepath's codec: histories recorded before encryption pass through it unchanged.
      {
        workflowBundle: { codePath: bundlePath() },
        dataConverter: testDataConverter,
        sinks: journeyWorkerTracing(undefined).sinks,
      },
      histories,
    ))
      results.push({ workflowId: result.workflowId, error: result.error });
    expect(results.map((r) => r.workflowId).sort()).toEqual(histories.map((h) => h.workflowId).sort());
    expect(results.filter((r) => r.error)).toEqual([]);
  });
});

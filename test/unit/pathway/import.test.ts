import { AdmissionRefused, ImportRefused, importEpisode } from '../../../pathway';
import { getProgram } from '../../../programs';
import type { ImportedClient } from '../../../schemas';
import { attended, day, Journey, notified, ofType } from './fixtures';
import { staff } from '../../../testkit/fixtures';

// Program A (step-down IOP): at least 9 hours a week in IOP, stepping down to outpatient.
const program = getProgram('step-down-iop');
const importedAt = day(200);

const client = (overrides: Partial<ImportedClient> = {}): ImportedClient => ({
  importId: 'import-1',
  clientId: 'client-1',
  programId: 'step-down-iop',
  level: 'iop',
  inCareSince: day(0),
  levelSince: day(30),
  ageYears: 34,
  gender: 'female',
  milestonesMet: ['attendance-stable'],
  sobrietyDate: '2024-12-20',
  authorizations: [],
  importedBy: staff.coordinator,
  ...overrides,
});

describe('importing a client already in care', () => {
  test('starts where the client is: level since then, milestones met, sobriety date, history from the stay', () => {
    const journey = new Journey(program).import(client(), importedAt);
    expect(journey.state).toMatchObject({
      status: 'active',
      level: 'iop',
      levelSince: day(30),
      admittedAt: day(0),
      sobrietyDate: '2024-12-20',
      cohortId: 'women',
      milestones: [{ milestoneId: 'attendance-stable', level: 'iop', levelSince: day(30) }],
      // Imported on a Friday in Los Angeles: the first calendar week holds 3 of its 7 days of A's 9 h.
      week: { start: importedAt, targetHours: 3.86, floorHours: 3.86 },
      attendance: { lastContactAt: importedAt },
    });
    expect(journey.state.history).toEqual([
      {
        from: null,
        to: 'iop',
        at: day(30),
        reasonCode: 'admission',
        rule: 'admission',
        actor: staff.coordinator,
      },
    ]);
    expect(journey.last.map((e) => e.type).filter((t) => t !== 'arm-timer')).toEqual([
      'episode-started',
      'cohort-assigned',
    ]);
  });

  test('replays nothing from before: no past week is reviewed, no passed stay or reminder fires', () => {
    const journey = new Journey(program).import(
      client({
        levelSince: day(10),
        authorizations: [
          {
            authorizationRef: 'auth-old',
            payerLevel: 'iop',
            unit: 'days',
            unitsAuthorized: 30,
            remainingUnits: 0,
            startDate: '2025-01-06',
            endDate: '2025-03-01',
          },
          {
            authorizationRef: 'auth-current',
            payerLevel: 'iop',
            unit: 'days',
            unitsAuthorized: 30,
            remainingUnits: 2,
            startDate: '2025-07-01',
            endDate: '2025-09-30',
          },
        ],
      }),
      importedAt,
    );
    // The stay began 190 days ago: past A's 180-day review, so no stay timer is armed.
    expect(journey.state.timers.map((t) => t.kind).sort()).toEqual([
      'authorization-expiry-reminder',
      'no-contact-deadline',
      'weekly-hours-review',
    ]);
    expect(journey.state.timers.find((t) => t.kind === 'authorization-expiry-reminder')?.subject).toBe(
      'auth-current',
    );
    expect(notified(journey.last)).toEqual([]);
    expect(ofType(journey.last, 'authorization-expiring')).toEqual([]);
  });

  test('the first week counts from the import: 9 hours attended meet the target', () => {
    const journey = new Journey(program).import(client(), importedAt);
    for (const n of [0, 1, 2]) journey.apply(attended(`${importedAt.slice(0, 10)}T1${n}:00:00.000Z`, 3));
    expect(journey.advanceTo(day(207))).not.toContainEqual(
      expect.objectContaining({ type: 'weekly-hours-below-target' }),
    );
  });

  test('a stay still short of its minimum keeps the minimum-stay timer, counted from levelSince', () => {
    // The default program holds IOP clients at least 56 days; A sets no minimum.
    const journey = new Journey(getProgram('default')).import(
      client({ programId: 'default', levelSince: day(180) }),
      importedAt,
    );
    expect(journey.state.timers.find((t) => t.kind === 'minimum-stay-reached')?.fireAt).toBe(day(180 + 56));
  });

  test('refuses what the program cannot hold, saying what to use instead', () => {
    const refusal = (overrides: Partial<ImportedClient>) => {
      try {
        importEpisode(client(overrides), program, 'episode-1', importedAt);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(refusal({ level: 'php' })).toMatchObject({ reason: 'level-not-offered' });
    expect(refusal({ milestonesMet: ['no-such-milestone'] })).toMatchObject({
      reason: 'milestone-not-in-plan',
      message: expect.stringContaining('attendance-stable'),
    });
    expect(refusal({ levelSince: day(201) })).toBeInstanceOf(ImportRefused);
    expect(refusal({ ageYears: 12 })).toBeInstanceOf(AdmissionRefused);
  });
});

import {
  changeProgramVersion,
  EpisodeNotActive,
  ProgramMismatch,
  ProgramVersionRefused,
} from '../../../pathway';
import { getProgram } from '../../../programs';
import type { ProgramDefinition, ProgramVersionChangeCommand } from '../../../schemas';
import { admitted, command, day, Journey } from './fixtures';
import { eligibleIntake, staff } from '../../../testkit/fixtures';

// Program B tapers IOP hours as milestones are met; version 2 here is a provider's revision of it.
const v1 = getProgram('milestone-tapered-iop');
const v2: ProgramDefinition = {
  ...v1,
  version: 2,
  levels: {
    ...v1.levels,
    iop: { ...v1.levels.iop!, weeklyHours: { ...v1.levels.iop!.weeklyHours!, target: 11 } },
  },
};

const move = (program: ProgramDefinition, commandId = 'move-1'): ProgramVersionChangeCommand => ({
  type: 'program-version-changed',
  commandId,
  issuedBy: staff.coordinator,
  reasonCode: 'clinical-judgement',
  program,
});

const admittedJourney = () => new Journey(v1).admit(admitted(day(0), 'iop', eligibleIntake));

describe('moving an episode to a newer program version', () => {
  test('records who, when and why, and later decisions read the new version', () => {
    const journey = admittedJourney();
    const moved = changeProgramVersion(journey.state, move(v2), v1, day(3));
    expect(moved.state.programVersionChanges).toEqual([
      {
        commandId: 'move-1',
        fromVersion: 1,
        toVersion: 2,
        at: day(3),
        reasonCode: 'clinical-judgement',
        actor: staff.coordinator,
      },
    ]);
    expect(moved.state.week.targetHours).toBe(11);
    expect(moved.effects).toEqual([]);
    // The same command again changes nothing.
    expect(changeProgramVersion(moved.state, move(v2), v2, day(4)).state).toBe(moved.state);
  });

  test('refuses a version that is not newer, another program, and a discharged episode', () => {
    const journey = admittedJourney();
    expect(() => changeProgramVersion(journey.state, move(v1), v1, day(3))).toThrow(ProgramVersionRefused);
    expect(() =>
      changeProgramVersion(journey.state, move({ ...getProgram('default'), version: 2 }), v1, day(3)),
    ).toThrow(ProgramMismatch);
    journey.command(command('discharge', { kind: 'administrative', reasonCode: 'client-request' }), day(4));
    expect(() => changeProgramVersion(journey.state, move(v2), v1, day(5))).toThrow(EpisodeNotActive);
  });
});

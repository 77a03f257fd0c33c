import { programs } from '../../../programs';
import { admitTo, day, event, ofType } from './fixtures';

const cases = Object.values(programs).flatMap((program) =>
  program.measurementThresholds.map((threshold) => ({ program, programId: program.programId, ...threshold })),
);

describe.each(cases)(
  '$instrument in $programId (review at $atOrAbove)',
  ({ program, instrument, atOrAbove }) => {
    test.each([
      { score: atOrAbove - 1, review: false },
      { score: atOrAbove, review: true },
    ])('score $score calls for review: $review', ({ score, review }) => {
      const j = admitTo(program);
      const effects = j.apply(event('measurement-recorded', day(1), { instrument, score }));
      expect(ofType(effects, 'measurement-past-threshold')).toHaveLength(review ? 1 : 0);
      expect(ofType(effects, 'clinical-review-requested')).toHaveLength(review ? 1 : 0);
      expect(j.state.riskFlags.includes('measurement-past-threshold')).toBe(review);
    });

    test('a later score below the threshold clears the flag', () => {
      const j = admitTo(program);
      j.apply(event('measurement-recorded', day(1), { instrument, score: atOrAbove }));
      j.apply(event('measurement-recorded', day(8), { instrument, score: atOrAbove - 1 }));
      expect(j.state.riskFlags).not.toContain('measurement-past-threshold');
    });
  },
);

import * as errors from '../../../pathway/errors';
import { PathwayError, pathwayRefusals } from '../../../pathway/errors';

test('every refusal the care rules define is in the refusal list, under the name it carries', () => {
  const defined = Object.entries(errors)
    .filter(([, value]) => typeof value === 'function' && value.prototype instanceof PathwayError)
    .map(([name]) => name);
  expect(defined.length).toBeGreaterThan(0);
  expect(Object.keys(pathwayRefusals).sort()).toEqual(defined.sort());
  for (const [name, refusal] of Object.entries(pathwayRefusals)) expect(refusal.name).toBe(name);
});

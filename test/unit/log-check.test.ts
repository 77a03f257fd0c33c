import { checkStructuredLogs } from '../stack/log-capture';

/** The suite-wide log check that global teardown runs over every captured line. */
describe('checkStructuredLogs', () => {
  test('passes identifiers and codes, and ignores lines that are not structured logs', () => {
    const text = [
      '{"level":"warn","message":"client event refused by the care rules","eventId":"e-1","refusal":"EpisodeNotActive"}',
      '{"level":30,"msg":"request completed","req":{"id":"req-1","method":"POST","path":"/v1/clients/c-1/events"},"res":{"statusCode":202}}',
      'PASS integration test/integration/stack.test.ts',
      '{"not":"a log line","intake":{}}',
    ].join('\n');
    expect(checkStructuredLogs(text)).toEqual({ structured: 2, problems: [] });
  });

  test.each([
    ['{"level":"info","message":"admitted","intake":{"ageYears":34}}', 'intake, intake.ageYears'],
    ['{"level":"warn","message":"x","event":{"score":22,"instrument":"PHQ-9"}}', 'event.score'],
    ['{"level":50,"msg":"failed","req":{"body":{"notes":"…"}}}', 'req.body, req.body.notes'],
  ])('reports clinical fields: %s', (line, keys) => {
    const { structured, problems } = checkStructuredLogs(line);
    expect(structured).toBe(1);
    expect(problems).toEqual([expect.stringContaining(`${keys} in: `)]);
  });
});

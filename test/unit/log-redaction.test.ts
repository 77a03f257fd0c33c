import { captureLogLines } from './log-lines';
import { logLine, redactFields } from '../../workers/log';

/** Logs carry identifiers and codes only (42 CFR Part 2), whatever a caller hands them. */
describe('log redaction', () => {
  const log = captureLogLines();

  test('keeps identifiers, codes and counts', () => {
    const operational = {
      clientId: 'client-42',
      eventId: 'evt-7',
      topic: 'carepath.client-events.v1',
      partition: 3,
      offset: '1200',
      reason: 'schema-invalid',
      attempt: 2,
    };
    expect(redactFields(operational)).toEqual(operational);
  });

  test('drops event data and free text, counting what it dropped', () => {
    logLine('warn', 'bridge: message dead-lettered', {
      clientId: 'client-42',
      sobrietyDate: '2019-03-17',
      instrument: 'PHQ-9',
      score: 19,
      withdrawalRisk: true,
      reason: 'client reports daily heroin use',
      staffId: 'Jane Doe',
    });
    expect(log.lines).toHaveLength(1);
    const line = JSON.parse(log.lines[0] ?? '{}') as Record<string, unknown>;
    expect(Object.keys(line).sort()).toEqual(['clientId', 'level', 'message', 'redacted', 'time']);
    expect(line).toMatchObject({ clientId: 'client-42', redacted: 6 });
    for (const value of ['2019-03-17', 'PHQ-9', 'heroin', 'Jane']) expect(log.lines[0]).not.toContain(value);
  });
});

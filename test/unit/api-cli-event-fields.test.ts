import { eventFields, UsageError } from '../../cli/event-fields';

describe('carepath event field=value arguments', () => {
  test("are typed as the event's schema expects", () => {
    expect(eventFields('session-attended', ['sessionId=3', 'kind=group', 'hours=2.5'])).toEqual({
      sessionId: '3',
      kind: 'group',
      hours: 2.5,
    });
    expect(eventFields('relapse-reported', ['withdrawalRisk=true'])).toEqual({ withdrawalRisk: true });
    expect(eventFields('session-scheduled', ['cohortId=null', 'guestCount=0'])).toEqual({
      cohortId: null,
      guestCount: 0,
    });
  });

  test('a value the schema refuses is sent as text, for the API to explain', () => {
    expect(eventFields('session-attended', ['hours=many'])).toEqual({ hours: 'many' });
  });

  test('an unknown type, an admission or a malformed pair is a usage error', () => {
    expect(() => eventFields('no-such-event', [])).toThrow(UsageError);
    expect(() => eventFields('admitted', [])).toThrow(/carepath admit/);
    expect(() => eventFields('relapse-reported', ['withdrawalRisk'])).toThrow(/expected field=value/);
  });
});

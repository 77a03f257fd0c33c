import { latencyClient, throughputClient } from '../../bench/scenario';

describe('benchmark scenarios, checked with the pure core', () => {
  test("a throughput client's last event publishes, so its completion can be seen", () => {
    const client = throughputClient('client-tp-1', 'default', 10);
    expect(client.events.map((e) => e.type)).toEqual([
      'admitted',
      ...Array.from({ length: 9 }, (_, i) => (i % 2 === 0 ? 'session-missed' : 'session-attended')),
    ]);
    expect(client.outbound).toHaveLength(10);
    expect(client.outbound.at(-1)?.map((r) => r.stream)).toContain('staff-notifications');
    const keys = client.outbound.flat().map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('every latency probe is marked by a staff notification, the admission by episode-started', () => {
    const client = latencyClient('client-lat-1', 'default', 3);
    expect(client.marks).toHaveLength(4);
    expect(client.marks[0]).toMatch(/^urn:carepath:care-events ep-client-lat-1-e1:\d+$/);
    for (const mark of client.marks.slice(1)) expect(mark).toMatch(/^urn:carepath:staff-notifications /);
  });
});

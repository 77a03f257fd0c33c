import { ApiMetrics } from '../../api/metrics';
import type { ApiContext } from '../../api/context';
import { buildApi } from '../../api/server';
import { generateToken, hashToken, TokenRegistry } from '../../api/tokens';
import type { Journeys } from '../../client/journeys';
import { shippedPrograms } from '../../programs';
import { captureLogLines } from './log-lines';

/** The API logs through carepath's one logger: one access line per request, identifiers only. */
describe('API access lines', () => {
  const token = generateToken();
  const log = captureLogLines();

  async function answer(headers: Record<string, string>) {
    const ctx = {
      journeys: { programs: shippedPrograms } as Pick<Journeys, 'programs'>,
      metrics: new ApiMetrics(),
    } as ApiContext;
    const tokens = new TokenRegistry({
      tokens: [{ sha256: hashToken(token), staffId: 'staff-417', role: 'viewer' }],
    });
    const app = await buildApi(ctx, tokens);
    try {
      const reply = await app.inject({
        method: 'GET',
        url: '/v1/programs?note=Jane%20Doe',
        headers: { 'user-agent': 'curl/8.5.0', 'x-forwarded-for': '203.0.113.9', ...headers },
        remoteAddress: '198.51.100.7',
      });
      return {
        status: reply.statusCode,
        logged: log.lines.map((line) => JSON.parse(line) as Record<string, unknown>),
      };
    } finally {
      await app.close();
    }
  }

  test("an authenticated request's line carries the staff id and nothing else identifying", async () => {
    const { status, logged } = await answer({ authorization: `Bearer ${token}` });
    expect(status).toBe(200);
    expect(logged).toHaveLength(1);
    const [line] = logged;
    expect(line).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      message: 'request completed',
      requestId: expect.any(String),
      staffId: 'staff-417',
      method: 'GET',
      path: '/v1/programs',
      route: '/v1/programs',
      status: 200,
      ms: expect.any(Number),
    });
    const text = log.lines.join('\n');
    for (const secret of [token, 'Jane', '198.51.100.7', '203.0.113.9', 'curl'])
      expect(text).not.toContain(secret);
  });

  test('a refused request is logged in the same shape, without a staff id', async () => {
    const { status, logged } = await answer({ authorization: 'Bearer cpt_not-a-token' });
    expect(status).toBe(401);
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'request completed',
        status: 401,
        path: '/v1/programs',
      }),
    ]);
    expect(logged[0]).not.toHaveProperty('staffId');
    expect(log.lines.join('\n')).not.toContain('cpt_not-a-token');
  });
});

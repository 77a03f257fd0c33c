import { Counter, Registry } from 'prom-client';
import { ConfigError, loadLocalConfig } from '../../config';
import { roleFromArguments, rolesOf, serviceRoles } from '../../config/service-roles';
import { startHealthListener } from '../../workers/health-listener';
import { Readiness } from '../../workers/readiness';

describe('choosing the roles of a process', () => {
  test('the command line names the role, else CAREPATH_ROLE, which defaults to all', () => {
    expect(roleFromArguments(['--role', 'worker'], 'all')).toBe('worker');
    expect(roleFromArguments(['--role=codec'], 'all')).toBe('codec');
    expect(roleFromArguments([], loadLocalConfig({ CAREPATH_ROLE: 'bridge' }).role)).toBe('bridge');
    expect(loadLocalConfig({}).role).toBe('all');
    expect(rolesOf('all')).toEqual(['worker', 'bridge', 'api', 'codec']);
    expect(rolesOf('api')).toEqual(['api']);
  });

  test('an unknown role or argument is refused with the roles to choose from', () => {
    expect(() => roleFromArguments(['--role', 'scheduler'], 'all')).toThrow(
      /--role "scheduler": expected one of worker, bridge, api, codec, all/,
    );
    expect(() => roleFromArguments(['--roles', 'api'], 'all')).toThrow(/unexpected argument "--roles"/);
    expect(() => loadLocalConfig({ CAREPATH_ROLE: 'everything' })).toThrow(ConfigError);
    expect(() => loadLocalConfig({ CAREPATH_ROLE: 'everything' })).toThrow(/CAREPATH_ROLE="everything"/);
  });
});

describe('Readiness', () => {
  test('ready once every role of the process reports ready; stopping for all after a stop signal', () => {
    const readiness = new Readiness(['worker', 'bridge']);
    expect(readiness.report()).toEqual({
      status: 'not-ready',
      roles: { worker: 'not-ready', bridge: 'not-ready' },
    });
    let workerPolls = true;
    readiness.track('worker', () => workerPolls);
    readiness.track('bridge', () => true);
    expect(readiness.report()).toEqual({ status: 'ready', roles: { worker: 'ready', bridge: 'ready' } });
    workerPolls = false;
    expect(readiness.report().status).toBe('not-ready');
    workerPolls = true;
    readiness.stop();
    expect(readiness.report()).toEqual({
      status: 'not-ready',
      roles: { worker: 'stopping', bridge: 'stopping' },
    });
  });
});

describe('the health listener of a process without the API', () => {
  test('answers /livez, /readyz by readiness, and the process metrics', async () => {
    const readiness = new Readiness(serviceRoles.filter((role) => role !== 'api'));
    const registry = new Registry();
    new Counter({ name: 'carepath_probe_total', help: 'probe', registers: [registry] }).inc(3);
    const listener = await startHealthListener({ host: '127.0.0.1', port: 0, readiness, registry });
    const get = async (path: string) => {
      const response = await fetch(`${listener.url}${path}`);
      return { status: response.status, body: await response.text() };
    };
    try {
      expect(await get('/livez')).toEqual({ status: 200, body: '{"status":"alive"}' });
      expect((await get('/readyz')).status).toBe(503);
      for (const role of readiness.roles) readiness.track(role, () => true);
      expect(JSON.parse((await get('/readyz')).body)).toEqual({
        status: 'ready',
        roles: { worker: 'ready', bridge: 'ready', codec: 'ready' },
      });
      expect((await get('/metrics')).body).toContain('carepath_probe_total 3');
      expect((await get('/v1/clients')).status).toBe(404);
      readiness.stop();
      expect(await get('/readyz')).toMatchObject({ status: 503 });
      expect(await get('/livez')).toMatchObject({ status: 200 });
    } finally {
      await listener.close();
    }
  });
});

import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaClient } from '../../activities/kafka/connection';
import { inboundRecord, onTopic, SyntheticClient } from '../../testkit/inbound';
import { compiledEntryPoint, startLabProcess, type LabProcess } from '../../testkit/services';
import { serviceRoles, type ServiceRole } from '../../config/service-roles';
import { freePort } from '../../infra/ports';
import { carepathTopics } from '../../schemas/contract';
import { testStack } from '../stack/test-stack';

/**
 * Each role of `workers/production-entry.ts` in a process of its own, against the run's Temporal and
 * Kafka: each reports ready alone, together they carry an admission from Kafka to the API, and each
 * turns not-ready on SIGTERM before it drains and exits.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'carepath-roles-'));
mkdirSync(join(dataDir, 'logs'));
const { stack } = testStack();
const run = randomUUID().slice(0, 8);
const drainDelaySeconds = 3;
// Shared by the processes as they would share a deployment's secrets; the bridge consumes in a group
// and the worker polls a task queue of this file's own.
const sharedEnv = {
  CAREPATH_MODE: 'local',
  CAREPATH_DATA_DIR: join(dataDir, 'carepath'),
  CAREPATH_PAYLOAD_KEYS: `roles-test:${randomBytes(32).toString('base64')}`,
  TEMPORAL_TASK_QUEUE: `roles-${run}`,
  KAFKA_CONSUMER_GROUP: `roles-${run}`,
  CAREPATH_DRAIN_DELAY_SECONDS: String(drainDelaySeconds),
};

interface RoleProcess {
  child: LabProcess;
  /** Where its /livez and /readyz answer: the API's port for the API, the health listener's otherwise. */
  url: string;
  /** Its listeners' ports, as its environment gives them. */
  ports: { CAREPATH_API_PORT: string; CAREPATH_CODEC_PORT: string; CAREPATH_HEALTH_PORT: string };
}
const processes = new Map<ServiceRole, RoleProcess>();

async function startRole(role: ServiceRole): Promise<RoleProcess> {
  const [apiPort, codecPort, healthPort] = [await freePort(), await freePort(), await freePort()];
  const ports = {
    CAREPATH_API_PORT: String(apiPort),
    CAREPATH_CODEC_PORT: String(codecPort),
    CAREPATH_HEALTH_PORT: String(healthPort),
  };
  const child = await startLabProcess(
    { dataDir, temporalAddress: stack.temporal.address, brokers: stack.kafka.brokers },
    {
      name: role,
      entry: join('workers', 'production-entry.js'),
      args: ['--role', role],
      readyLine: 'carepath services started',
      env: { ...sharedEnv, ...ports },
    },
  );
  return { child, url: `http://127.0.0.1:${role === 'api' ? apiPort : healthPort}`, ports };
}

const get = async (url: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
  return { status: response.status, text: await response.text() };
};

async function until<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await attempt().catch(() => undefined);
    if (outcome !== undefined) return outcome;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

beforeAll(async () => {
  // The worker and the bridge both create the topics; one at a time, so neither races the other.
  processes.set('worker', await startRole('worker'));
  for (const role of serviceRoles.filter((r) => r !== 'worker')) processes.set(role, await startRole(role));
}, 240_000);

afterAll(async () => {
  await Promise.all([...processes.values()].map((p) => p.child.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

const roleProcess = (role: ServiceRole) => {
  const found = processes.get(role);
  if (!found) throw new Error(`the ${role} process did not start`);
  return found;
};

test.each(serviceRoles)('the %s role runs alone: alive, and ready with only its own role', async (role) => {
  const { url } = roleProcess(role);
  expect(await get(`${url}/livez`)).toEqual({ status: 200, text: JSON.stringify({ status: 'alive' }) });
  const ready = await until(`${role} ready`, async () => {
    const answer = await get(`${url}/readyz`);
    return answer.status === 200 ? answer : undefined;
  });
  expect(JSON.parse(ready.text)).toEqual({ status: 'ready', roles: { [role]: 'ready' } });
});

test("the worker loads the bundle the build made, and each process without the API serves its own metrics, the SDK's included", async () => {
  expect(readFileSync(roleProcess('worker').child.logFile, 'utf8')).not.toContain(
    'no current prebuilt workflow bundle',
  );
  const worker = await get(`${roleProcess('worker').url}/metrics`);
  expect(worker.status).toBe(200);
  expect(worker.text).toContain('carepath_effects_parked_total');
  expect(worker.text).not.toContain('carepath_bridge_dead_letters_total');
  // The Temporal SDK's series beside carepath's, on the same endpoint: the worker's pollers.
  expect(worker.text).toMatch(/^temporal_num_pollers\{[^}]*\} \d+/m);
  expect(worker.text).toMatch(/^temporal_request_total\{[^}]*\} \d+/m);
  const bridge = await get(`${roleProcess('bridge').url}/metrics`);
  expect(bridge.text).toContain('carepath_bridge_dead_letters_total');
  expect(bridge.text).not.toContain('carepath_effects_parked_total');
});

test("the image's health check finds each role's listener, also for a role given on the command line only", () => {
  const healthcheck = (env: Record<string, string>) =>
    spawnSync(process.execPath, [compiledEntryPoint('workers/healthcheck.js')], {
      env: { ...process.env, ...sharedEnv, ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
  for (const role of serviceRoles) {
    const { ports } = roleProcess(role);
    const asCarepathRole = healthcheck({ ...ports, CAREPATH_ROLE: role });
    expect({ role, status: asCarepathRole.status, out: asCarepathRole.stdout }).toMatchObject({
      role,
      status: 0,
      out: expect.stringContaining('/readyz: 200'),
    });
    // As `--role X` would leave it: CAREPATH_ROLE unset (all), so the API's port is asked first.
    expect(healthcheck(ports).status).toBe(0);
  }
  expect(healthcheck({ CAREPATH_HEALTH_PORT: '1', CAREPATH_API_PORT: '1' }).status).toBe(1);
});

test('an admission produced to Kafka goes through the bridge process to the worker process and shows in the API process', async () => {
  const client = new SyntheticClient(`client-roles-${run}`, 'default');
  const kafka = kafkaClient(
    { brokers: stack.kafka.brokers, connection: { ssl: false } },
    { clientId: 'carepath-roles-test' },
  );
  const producer = kafka.producer({ idempotent: false });
  await producer.connect();
  try {
    await producer.send(onTopic(carepathTopics['client-events'], [inboundRecord(client.admitted())]));
  } finally {
    await producer.disconnect();
  }
  const token = readFileSync(join(sharedEnv.CAREPATH_DATA_DIR, 'api-development-token'), 'utf8').trim();
  const state = await until('the admitted client in the API', async () => {
    const answer = await get(`${roleProcess('api').url}/v1/clients/${client.clientId}`, {
      authorization: `Bearer ${token}`,
    });
    return answer.status === 200 ? (JSON.parse(answer.text) as { level: string }) : undefined;
  });
  expect(state.level).toBe('iop');
});

test('on SIGTERM each role reports not ready while it waits to drain, then exits cleanly', async () => {
  await Promise.all(
    serviceRoles.map(async (role) => {
      const { child, url } = roleProcess(role);
      const signalled = Date.now();
      child.kill('SIGTERM');
      const stopping = await until(
        `${role} not ready`,
        async () => {
          const answer = await get(`${url}/readyz`);
          return answer.status === 503 ? answer : undefined;
        },
        drainDelaySeconds * 1000,
      );
      expect(JSON.parse(stopping.text)).toEqual({ status: 'not-ready', roles: { [role]: 'stopping' } });
      // The process waited out the delay, answering not-ready, before it drained and exited.
      expect(await child.exited).toBe('exit 0');
      expect(Date.now() - signalled).toBeGreaterThanOrEqual(drainDelaySeconds * 1000);
      processes.delete(role);
    }),
  );
});

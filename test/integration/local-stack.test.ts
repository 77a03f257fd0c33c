import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadLocalConfig } from '../../config';
import { ensureInstalled } from '../../infra/install';
import { freePort } from '../../infra/ports';
import { isRunning } from '../../infra/processes';
import { runningStack, startStack, stopStack, type StackLayout } from '../../infra/stack';

/** The stack:up / stack:down lifecycle, on a stack of its own beside the run's shared one. */
describe('a local stack', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'carepath-lifecycle-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('keeps journeys in its file database across a restart, and stopping it leaves no process behind', async () => {
    const install = await ensureInstalled(loadLocalConfig().cacheDir, () => undefined);
    const layout: StackLayout = {
      dataDir,
      temporal: { port: await freePort(), uiPort: await freePort() },
      kafka: { port: await freePort(), controllerPort: await freePort() },
    };
    const first = await startStack(install, layout, () => undefined);
    expect(runningStack(dataDir)?.temporal.process.pid).toBe(first.temporal.process.pid);
    const uiPage = await fetch(first.temporal.uiUrl ?? '');
    expect(uiPage.status).toBe(200);

    const workflowId = `survives-restart-${Date.now()}`;
    await withClient(first.temporal.address, (client) =>
      client.workflow.start('notRegisteredAnywhere', { taskQueue: 'nobody-polls-this', workflowId }),
    );
    await stopStack(first, dataDir);
    expect(isRunning(first.temporal.process)).toBe(false);
    expect(isRunning(first.kafka.process)).toBe(false);
    expect(runningStack(dataDir)).toBeUndefined();

    const second = await startStack(install, layout, () => undefined);
    try {
      const status = await withClient(
        second.temporal.address,
        async (client) => (await client.workflow.getHandle(workflowId).describe()).status.name,
      );
      expect(status).toBe('RUNNING');
    } finally {
      await stopStack(second, dataDir);
    }
    expect(isRunning(second.temporal.process)).toBe(false);
    expect(isRunning(second.kafka.process)).toBe(false);
  });
});

async function withClient<T>(address: string, use: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await use(new Client({ connection }));
  } finally {
    await connection.close();
  }
}

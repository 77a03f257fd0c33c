import { Connection } from '@temporalio/client';
import { carepathSearchAttributes } from '../workflows/search-attributes';
import { startServer, waitUntilReady, type ServerProcess } from './processes';

/** The CLI's spelling of each search attribute type, e.g. KEYWORD → Keyword. */
export function cliType(type: string) {
  return type === 'KEYWORD_LIST' ? 'KeywordList' : type.charAt(0) + type.slice(1).toLowerCase();
}

export interface TemporalDevServerOptions {
  cli: string;
  port: number;
  /** Web UI port; the UI is off (headless) when undefined, as in tests. */
  uiPort?: number;
  /** The codec server the UI decodes payloads through (codec/server.ts). */
  uiCodecEndpoint?: string;
  /** SQLite file, so that journeys survive a restart. */
  dbFile: string;
  logFile: string;
}

export function startTemporalDevServer(opts: TemporalDevServerOptions): ServerProcess {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--db-filename',
    opts.dbFile,
    '--log-level',
    'warn',
    // A new search attribute is visible to queries at once instead of after the cache's refresh.
    '--dynamic-config-value',
    'system.forceSearchAttributesCacheRefreshOnRead=true',
    ...carepathSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${cliType(key.type)}`]),
    ...(opts.uiPort === undefined
      ? ['--headless']
      : ['--ui-port', String(opts.uiPort), '--ui-disable-news-fetch']),
    ...(opts.uiPort !== undefined && opts.uiCodecEndpoint !== undefined
      ? ['--ui-codec-endpoint', opts.uiCodecEndpoint]
      : []),
  ];
  return startServer({
    name: 'Temporal dev server',
    command: opts.cli,
    args,
    logFile: opts.logFile,
    commandMatch: opts.dbFile,
  });
}

/** Ready when the frontend answers and the namespace exists. */
export async function temporalAnswers(address: string, namespace = 'default'): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } finally {
    await connection.close();
  }
}

export async function waitForTemporal(proc: ServerProcess, address: string, timeoutMs = 60000) {
  await waitUntilReady(proc, () => temporalAnswers(address), timeoutMs);
}

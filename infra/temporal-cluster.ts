import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { carepathSearchAttributes } from '../workflows/search-attributes';
import { StackError } from './errors';
import { run, type TemporalClusterInstallation } from './install';
import { startServer, waitUntilReady, type ServerProcess } from './processes';
import { cliType, temporalAnswers } from './temporal-server';

/** The server's services; each member of the cluster runs exactly one of them. */
export const temporalServices = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof temporalServices)[number];

/** One server process: a service, and the ports it listens on (`httpPort` for the frontend only). */
export interface TemporalMember {
  name: string;
  service: TemporalService;
  grpcPort: number;
  membershipPort: number;
  httpPort?: number;
}

export interface TemporalClusterLayout {
  dir: string;
  postgresPort: number;
  /** Fixed for the life of the cluster: the history members share these shards among themselves. */
  numHistoryShards: number;
  members: readonly TemporalMember[];
}

const frontendOf = (layout: TemporalClusterLayout): TemporalMember => {
  const frontend = layout.members.find((m) => m.service === 'frontend');
  if (!frontend) throw new StackError('a Temporal cluster needs a frontend member');
  return frontend;
};

export const frontendAddress = (layout: TemporalClusterLayout): string =>
  `127.0.0.1:${frontendOf(layout).grpcPort}`;

const configFile = (layout: TemporalClusterLayout, member: TemporalMember) =>
  join(layout.dir, `${member.name}.yaml`);
const dynamicConfigFile = (layout: TemporalClusterLayout) => join(layout.dir, 'dynamic-config.yaml');

/**
 * The server's configuration for one member, as JSON (which YAML reads as is). Every member names
 * the same stores and shard count; its own service gets its own ports, and the members find each
 * other through the membership ring kept in the database.
 */
export function temporalMemberConfig(layout: TemporalClusterLayout, member: TemporalMember): object {
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `127.0.0.1:${layout.postgresPort}`,
      connectProtocol: 'tcp',
      user: 'postgres',
      password: '',
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (m: TemporalMember) => ({
    grpcPort: m.grpcPort,
    membershipPort: m.membershipPort,
    bindOnLocalHost: true,
    ...(m.httpPort !== undefined && { httpPort: m.httpPort }),
  });
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: layout.numHistoryShards,
      datastores: {
        'postgres-default': store('temporal', 20),
        'postgres-visibility': store('temporal_visibility', 4),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    // Every service is named: a member tracks the others through the ring by the services listed here.
    services: Object.fromEntries(
      temporalServices.map((service) => {
        const own = service === member.service ? member : layout.members.find((m) => m.service === service);
        if (!own) throw new StackError(`a Temporal cluster needs a ${service} member`);
        return [service, { rpc: rpc(own) }];
      }),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: frontendAddress(layout),
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigFile(layout), pollInterval: '10s' },
  };
}

/** Dynamic config shared by every member: as the dev server's, a new search attribute is visible at once. */
export const temporalDynamicConfig = {
  'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true }],
};

/** Writes every member's config file; the members read them when they start. */
export function writeTemporalClusterConfig(layout: TemporalClusterLayout): void {
  writeFileSync(dynamicConfigFile(layout), JSON.stringify(temporalDynamicConfig, null, 2));
  for (const member of layout.members)
    writeFileSync(configFile(layout, member), JSON.stringify(temporalMemberConfig(layout, member), null, 2));
}

export function startTemporalMember(
  install: TemporalClusterInstallation,
  layout: TemporalClusterLayout,
  member: TemporalMember,
  logFile: string,
): ServerProcess {
  const config = configFile(layout, member);
  return startServer({
    name: `Temporal ${member.name}`,
    command: install.server,
    args: ['--config-file', config, '--allow-no-auth', 'start', '--service', member.service],
    logFile,
    commandMatch: config,
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1000 });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

async function frontendAnswers(address: string) {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

/** Ready when its gRPC port takes connections (the frontend: when it answers a call). */
export async function waitForTemporalMember(
  proc: ServerProcess,
  layout: TemporalClusterLayout,
  member: TemporalMember,
  timeoutMs = 120_000,
): Promise<void> {
  const ready =
    member.service === 'frontend'
      ? () => frontendAnswers(frontendAddress(layout))
      : () => portAnswers(member.grpcPort);
  await waitUntilReady(proc, ready, timeoutMs);
}

async function hasSearchAttributes(address: string) {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace: 'default',
    });
    return carepathSearchAttributes.every((key) => customAttributes?.[key.name] !== undefined);
  } finally {
    await connection.close();
  }
}

/**
 * Registers the `default` namespace and carepath's search attributes with the Temporal CLI, as the
 * dev server does at its start; retried while the services still join each other.
 */
export async function registerCarepathNamespace(
  temporalCli: string,
  layout: TemporalClusterLayout,
  timeoutMs = 120_000,
): Promise<void> {
  const address = frontendAddress(layout);
  const deadline = Date.now() + timeoutMs;
  const retry = async (what: string, args: string[], done: () => Promise<boolean>) => {
    for (;;) {
      if (await done().catch(() => false)) return;
      try {
        await run(temporalCli, [...args, '--address', address, '--namespace', 'default'], what);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(2000);
      }
    }
  };
  await retry('the default namespace', ['operator', 'namespace', 'create', '--retention', '72h'], () =>
    temporalAnswers(address),
  );
  await retry(
    "carepath's search attributes",
    [
      'operator',
      'search-attribute',
      'create',
      ...carepathSearchAttributes.flatMap((key) => ['--name', key.name, '--type', cliType(key.type)]),
    ],
    () => hasSearchAttributes(address),
  );
}

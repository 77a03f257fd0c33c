import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PrerequisiteMissing } from '../../infra/errors';
import { findPostgres } from '../../infra/install';
import { serverProperties, type KafkaBrokerOptions } from '../../infra/kafka-broker';
import {
  frontendAddress,
  writeTemporalClusterConfig,
  type TemporalClusterLayout,
} from '../../infra/temporal-cluster';

const properties = (text: string) =>
  new Map(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
  );

const broker = (overrides: Partial<KafkaBrokerOptions>): KafkaBrokerOptions => ({
  java: 'java',
  libs: '/libs',
  dir: '/data/kafka-2',
  port: 18312,
  controllerPort: 18322,
  logFile: '/data/kafka-2.log',
  ...overrides,
});

describe('Kafka broker properties', () => {
  it('makes node 2 of a three-node KRaft cluster replicate three times and require two in-sync replicas', () => {
    const props = properties(
      serverProperties(
        broker({ quorum: { nodeId: 2, controllerPorts: [18321, 18322, 18323], clusterId: 'cluster-a' } }),
      ),
    );
    expect(props.get('node.id')).toBe('2');
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('controller.quorum.voters')).toBe(
      '1@127.0.0.1:18321,2@127.0.0.1:18322,3@127.0.0.1:18323',
    );
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:18312,CONTROLLER://127.0.0.1:18322');
    for (const key of [
      'default.replication.factor',
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
    ])
      expect([key, props.get(key)]).toEqual([key, '3']);
    expect(props.get('min.insync.replicas')).toBe('2');
    expect(props.get('transaction.state.log.min.isr')).toBe('2');
  });

  it('keeps a single node unreplicated, as the dev stack and the other drills run it', () => {
    const props = properties(serverProperties(broker({})));
    expect(props.get('node.id')).toBe('1');
    expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:18322');
    expect(props.get('offsets.topic.replication.factor')).toBe('1');
    expect(props.get('min.insync.replicas')).toBe('1');
  });
});

describe('Temporal cluster configuration', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'carepath-cluster-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const layoutIn = (at: string): TemporalClusterLayout => ({
    dir: at,
    postgresPort: 18300,
    numHistoryShards: 4,
    members: [
      { name: 'frontend', service: 'frontend', grpcPort: 18340, membershipPort: 18341, httpPort: 18342 },
      { name: 'history-1', service: 'history', grpcPort: 18343, membershipPort: 18344 },
      { name: 'history-2', service: 'history', grpcPort: 18345, membershipPort: 18346 },
      { name: 'matching', service: 'matching', grpcPort: 18347, membershipPort: 18348 },
      { name: 'worker', service: 'worker', grpcPort: 18349, membershipPort: 18350 },
    ],
  });

  interface ServerConfig {
    persistence: {
      numHistoryShards: number;
      datastores: Record<string, { sql: { pluginName: string; databaseName: string; connectAddr: string } }>;
    };
    services: Record<string, { rpc: { grpcPort: number; membershipPort: number } }>;
    clusterMetadata: { clusterInformation: { active: { rpcAddress: string } } };
    dynamicConfigClient: { filepath: string };
  }

  it('gives every member a YAML file of its own: its service on its own ports, the same PostgreSQL stores and shard count', () => {
    const layout = layoutIn(dir);
    writeTemporalClusterConfig(layout);
    const configs = layout.members.map((member) => ({
      member,
      config: parse(readFileSync(join(dir, `${member.name}.yaml`), 'utf8')) as ServerConfig,
    }));
    for (const { member, config } of configs) {
      expect(Object.keys(config.services).sort()).toEqual(['frontend', 'history', 'matching', 'worker']);
      expect(config.services[member.service]?.rpc).toMatchObject({
        grpcPort: member.grpcPort,
        membershipPort: member.membershipPort,
      });
      expect(config.persistence.numHistoryShards).toBe(4);
      expect(
        Object.values(config.persistence.datastores).map(({ sql }) => [
          sql.pluginName,
          sql.databaseName,
          sql.connectAddr,
        ]),
      ).toEqual([
        ['postgres12', 'temporal', '127.0.0.1:18300'],
        ['postgres12', 'temporal_visibility', '127.0.0.1:18300'],
      ]);
      expect(config.clusterMetadata.clusterInformation.active.rpcAddress).toBe('127.0.0.1:18340');
      expect(config.dynamicConfigClient.filepath).toBe(join(dir, 'dynamic-config.yaml'));
    }
    expect(frontendAddress(layout)).toBe('127.0.0.1:18340');
  });

  it('makes a new search attribute visible at once, as the dev server does', () => {
    writeTemporalClusterConfig(layoutIn(dir));
    const dynamic = parse(readFileSync(join(dir, 'dynamic-config.yaml'), 'utf8')) as Record<
      string,
      { value: unknown }[]
    >;
    expect(dynamic['system.forceSearchAttributesCacheRefreshOnRead']).toEqual([{ value: true }]);
  });
});

describe('findPostgres', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'carepath-postgres-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const install = (major: string) => {
    mkdirSync(join(root, major, 'bin'), { recursive: true });
    writeFileSync(join(root, major, 'bin', 'initdb'), '');
  };

  it("picks the newest major version of Debian's packages", () => {
    install('9');
    install('15');
    install('13');
    expect(findPostgres(root)).toBe(join(root, '15', 'bin'));
  });

  it('says how to install PostgreSQL when there is none', () => {
    expect(() => findPostgres(root)).toThrow(PrerequisiteMissing);
    expect(() => findPostgres(root)).toThrow(/apt-get install postgresql/);
  });
});

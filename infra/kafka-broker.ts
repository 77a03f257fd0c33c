import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaClient } from '../activities/kafka/connection';
import { InstallFailed } from './errors';
import { startServer, waitUntilReady, type ServerProcess } from './processes';

export interface KafkaBrokerOptions {
  java: string;
  libs: string;
  /** Holds the broker's config and its log dirs (the topics' data). */
  dir: string;
  port: number;
  controllerPort: number;
  logFile: string;
  heap?: string;
  /** A second listener that only authenticated clients reach over TLS; the plaintext one stays for the broker itself. */
  saslSsl?: SaslSslListener;
  /** One node of a multi-node KRaft cluster; a single node when undefined. */
  quorum?: KafkaQuorum;
}

/** Every node is a broker and a controller; node `i + 1` listens for the quorum on `controllerPorts[i]`. */
export interface KafkaQuorum {
  nodeId: number;
  controllerPorts: readonly number[];
  /** The same on every node: formatted into each node's storage on its first start. */
  clusterId: string;
}

/** A SASL_SSL listener with SCRAM users, as a managed Kafka offers. */
export interface SaslSslListener {
  port: number;
  /** PEM file holding the broker's PKCS#8 private key (unencrypted) and its certificate chain. */
  keystorePemFile: string;
  /** Created in the cluster's metadata when its storage is formatted (first start only). */
  scramUsers: { mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; name: string; password: string }[];
  /** SASL/PLAIN users, kept in the broker's config file. */
  plainUsers?: { name: string; password: string }[];
  /** OAUTHBEARER with Kafka's unsecured validator: unsigned tokens with `sub` and `exp` pass (tests only). */
  unsecuredOauthbearer?: boolean;
}

const scramLogin = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';

/** Combined broker and controller (KRaft), loopback only: a single node, or one node of `opts.quorum`. */
export function serverProperties(opts: KafkaBrokerOptions): string {
  const secure = opts.saslSsl;
  const controllerPorts = opts.quorum?.controllerPorts ?? [opts.controllerPort];
  // A write is acknowledged once two replicas hold it, so losing any one broker loses nothing.
  const replicas = Math.min(3, controllerPorts.length);
  const inSync = Math.min(2, replicas);
  return [
    'process.roles=broker,controller',
    `node.id=${opts.quorum?.nodeId ?? 1}`,
    `controller.quorum.voters=${controllerPorts.map((port, i) => `${i + 1}@127.0.0.1:${port}`).join(',')}`,
    `listeners=PLAINTEXT://127.0.0.1:${opts.port},CONTROLLER://127.0.0.1:${opts.controllerPort}` +
      (secure ? `,SASL_SSL://127.0.0.1:${secure.port}` : ''),
    `advertised.listeners=PLAINTEXT://127.0.0.1:${opts.port}` +
      (secure ? `,SASL_SSL://127.0.0.1:${secure.port}` : ''),
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT' +
      (secure ? ',SASL_SSL:SASL_SSL' : ''),
    ...(secure
      ? [
          'sasl.enabled.mechanisms=' +
            [
              'SCRAM-SHA-256',
              'SCRAM-SHA-512',
              ...(secure.plainUsers ? ['PLAIN'] : []),
              ...(secure.unsecuredOauthbearer ? ['OAUTHBEARER'] : []),
            ].join(','),
          `listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=${scramLogin}`,
          `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${scramLogin}`,
          ...(secure.plainUsers
            ? [
                'listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ' +
                  secure.plainUsers.map((u) => `user_${u.name}="${u.password}"`).join(' ') +
                  ';',
              ]
            : []),
          ...(secure.unsecuredOauthbearer
            ? [
                'listener.name.sasl_ssl.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
              ]
            : []),
          'listener.name.sasl_ssl.ssl.keystore.type=PEM',
          `listener.name.sasl_ssl.ssl.keystore.location=${secure.keystorePemFile}`,
        ]
      : []),
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${join(opts.dir, 'data')}`,
    'num.partitions=3',
    // Few partitions for the offsets topic make group joins quick.
    `default.replication.factor=${replicas}`,
    `min.insync.replicas=${inSync}`,
    `offsets.topic.replication.factor=${replicas}`,
    'offsets.topic.num.partitions=3',
    `transaction.state.log.replication.factor=${replicas}`,
    `transaction.state.log.min.isr=${inSync}`,
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

const log4jProperties = [
  'log4j.rootLogger=WARN, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka.server.KafkaRaftServer=INFO',
  '',
].join('\n');

function javaArgs(opts: KafkaBrokerOptions, main: string, ...args: string[]) {
  return [
    `-Xmx${opts.heap ?? '512m'}`,
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${join(opts.dir, 'log4j.properties')}`,
    '-cp',
    join(opts.libs, '*'),
    main,
    ...args,
  ];
}

/**
 * A new KRaft cluster id: 16 random bytes in base64url, as Kafka makes them, and like Kafka's own never
 * starting with '-', which the storage tool would read as an option (1 start in 64 failed so).
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Writes the config and, on first start only, formats the KRaft metadata log with a new cluster id. */
function prepare(opts: KafkaBrokerOptions) {
  mkdirSync(opts.dir, { recursive: true });
  const config = join(opts.dir, 'server.properties');
  writeFileSync(config, serverProperties(opts));
  writeFileSync(join(opts.dir, 'log4j.properties'), log4jProperties);
  if (existsSync(join(opts.dir, 'data', 'meta.properties'))) return config;
  const args = javaArgs(
    opts,
    'kafka.tools.StorageTool',
    'format',
    '--ignore-formatted',
    '-t',
    opts.quorum?.clusterId ?? newClusterId(),
    '-c',
    config,
    ...(opts.saslSsl?.scramUsers.flatMap((user) => [
      '--add-scram',
      `${user.mechanism}=[name=${user.name},password=${user.password}]`,
    ]) ?? []),
  );
  const result = spawnSync(opts.java, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new InstallFailed(
      'Kafka storage',
      `${opts.java} ${args.join(' ')}`,
      `${result.stdout}${result.stderr}`,
    );
  }
  return config;
}

export function startKafkaBroker(opts: KafkaBrokerOptions): ServerProcess {
  const config = prepare(opts);
  return startServer({
    name: opts.quorum ? `Kafka broker ${opts.quorum.nodeId}` : 'Kafka broker',
    command: opts.java,
    args: javaArgs(opts, 'kafka.Kafka', config),
    logFile: opts.logFile,
    commandMatch: config,
  });
}

/** Ready when a client can fetch the cluster's metadata from the broker, naming `minBrokers` or more. */
export async function kafkaAnswers(brokers: string[], minBrokers = 1): Promise<boolean> {
  // The broker's own plaintext listener, on loopback.
  const admin = kafkaClient(
    { brokers, connection: { ssl: false } },
    { clientId: 'carepath-stack-health', quick: { connectionTimeoutMs: 1000 } },
  ).admin();
  await admin.connect();
  try {
    return (await admin.brokerCount()) >= minBrokers;
  } finally {
    await admin.disconnect();
  }
}

export async function waitForKafka(proc: ServerProcess, brokers: string[], timeoutMs = 90000) {
  await waitUntilReady(proc, () => kafkaAnswers(brokers), timeoutMs);
}

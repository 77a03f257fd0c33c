import { readFile } from 'node:fs/promises';
import { Kafka, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { KafkaConnectionSettings } from '../../config/kafka-connection';
import { kafkajsAdmin, type KafkaAdmin } from './admin';
import { kafkajsConsumer, type ConsumerOptions, type KafkaConsumer } from './consumer';
import { kafkaLogCreator, kafkajsLogLevel, type KafkaLogLevel } from './logs';
import { kafkajsProducer, type KafkaProducer, type ProducerOptions } from './producer';

function kafkajsSsl(ssl: KafkaConnectionSettings['ssl']): KafkaConfig['ssl'] {
  if (ssl === false) return false;
  // No CA file: the brokers are checked against Node's own roots (a managed Kafka's public CA).
  return {
    ...(ssl.ca !== undefined && { ca: [ssl.ca] }),
    ...(ssl.cert !== undefined && { cert: ssl.cert }),
    ...(ssl.key !== undefined && { key: ssl.key.reveal() }),
  };
}

function kafkajsSasl(sasl: NonNullable<KafkaConnectionSettings['sasl']>): SASLOptions {
  switch (sasl.mechanism) {
    case 'plain':
    case 'scram-sha-256':
    case 'scram-sha-512':
      return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password.reveal() };
    case 'oauthbearer': {
      const { tokenFile } = sasl;
      return {
        mechanism: 'oauthbearer',
        oauthBearerProvider: async () => ({ value: (await readFile(tokenFile, 'utf8')).trim() }),
      };
    }
    default: {
      const unknown: never = sasl;
      throw new Error(`unknown SASL mechanism ${JSON.stringify(unknown)}`);
    }
  }
}

/** The caller's own settings of a client: who it is, how much it logs, how patiently it waits. */
export interface KafkaClientOptions {
  clientId: string;
  /** kafkajs's own lines at this level and above go to carepath's structured log; default none. */
  logs?: KafkaLogLevel;
  /** How often a failed request is retried (kafkajs's default otherwise). */
  retries?: number;
  /**
   * For checks that must answer within seconds (health): connecting and each request time out
   * after these, and nothing is retried.
   */
  quick?: { connectionTimeoutMs: number; requestTimeoutMs?: number };
}

/** Carepath's Kafka client: the only way the rest of the code reaches the brokers. */
export interface KafkaClient {
  admin(): KafkaAdmin;
  consumer(options: ConsumerOptions): KafkaConsumer;
  producer(options: ProducerOptions): KafkaProducer;
}

/** A client on the configured brokers with the configured SSL and SASL. */
export function kafkaClient(
  kafka: { brokers: readonly string[]; connection: KafkaConnectionSettings },
  options: KafkaClientOptions,
): KafkaClient {
  const logs = options.logs ?? 'none';
  const client = new Kafka({
    clientId: options.clientId,
    brokers: [...kafka.brokers],
    // kafkajs's default (1 s) covers the TLS handshake too, which a remote broker can exceed.
    ...(kafka.connection.ssl !== false && { connectionTimeout: 5000 }),
    logLevel: kafkajsLogLevel[logs],
    ...(logs !== 'none' && { logCreator: kafkaLogCreator }),
    ...(options.retries !== undefined && { retry: { retries: options.retries } }),
    ...(options.quick && {
      connectionTimeout: options.quick.connectionTimeoutMs,
      ...(options.quick.requestTimeoutMs !== undefined && { requestTimeout: options.quick.requestTimeoutMs }),
      retry: { retries: 0 },
    }),
    ssl: kafkajsSsl(kafka.connection.ssl),
    ...(kafka.connection.sasl !== undefined && { sasl: kafkajsSasl(kafka.connection.sasl) }),
  });
  return {
    admin: () => kafkajsAdmin(client),
    consumer: (consumerOptions) => kafkajsConsumer(client, consumerOptions),
    producer: (producerOptions) => kafkajsProducer(client, producerOptions),
  };
}

import { readFile } from 'node:fs/promises';
import { Kafka, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { KafkaConnectionSettings } from '../../config/kafka-connection';

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

/**
 * A kafkajs client on the configured brokers with the configured SSL and SASL; `options` are the
 * caller's own (client id, timeouts, retries, logging).
 */
export function kafkaClient(
  kafka: { brokers: string[]; connection: KafkaConnectionSettings },
  options: Omit<KafkaConfig, 'brokers' | 'ssl' | 'sasl'>,
): Kafka {
  return new Kafka({
    // kafkajs's default (1 s) covers the TLS handshake too, which a remote broker can exceed.
    ...(kafka.connection.ssl !== false && { connectionTimeout: 5000 }),
    ...options,
    brokers: kafka.brokers,
    ssl: kafkajsSsl(kafka.connection.ssl),
    ...(kafka.connection.sasl !== undefined && { sasl: kafkajsSasl(kafka.connection.sasl) }),
  });
}

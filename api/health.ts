import type { Connection } from '@temporalio/client';
import type { KafkaAdmin } from '../activities/kafka/admin';

export interface HealthCheck {
  ok: boolean;
  detail?: string;
}

const checkTimeoutMs = 3000;

async function within(what: string, check: () => Promise<unknown>): Promise<HealthCheck> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)), checkTimeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: `${what}: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the API can reach what it depends on: Temporal for journeys, Kafka for the event bridge. */
export class Health {
  private kafkaConnected = false;

  constructor(
    private readonly temporal: Connection,
    private readonly kafka: KafkaAdmin,
  ) {}

  async check(): Promise<{ temporal: HealthCheck; kafka: HealthCheck }> {
    const [temporal, kafka] = await Promise.all([
      within('Temporal frontend', () => this.temporal.healthService.check({})),
      within('Kafka brokers', async () => {
        if (!this.kafkaConnected) {
          await this.kafka.connect();
          this.kafkaConnected = true;
        }
        await this.kafka.brokerCount().catch(async (error: unknown) => {
          // Reconnect on the next check rather than reuse a broken connection.
          this.kafkaConnected = false;
          await this.kafka.disconnect();
          throw error;
        });
      }),
    ]);
    return { temporal, kafka };
  }

  async close(): Promise<void> {
    if (this.kafkaConnected) await this.kafka.disconnect();
  }
}

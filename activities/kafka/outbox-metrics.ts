import { Counter, type Registry } from 'prom-client';
import type { OutboxItem } from '../../schemas/outbox';

/** Sees each outbox item the broker accepted; dead letters and parked effects are counted by reason. */
export type OutboxObserver = (item: OutboxItem) => void;

/**
 * Counters of what journeys set aside, registered with the services' registry so /metrics shows
 * them: parked effects by reason and stream, and inbound events the journeys dead-lettered by reason.
 */
export function outboxMetrics(registry: Registry): OutboxObserver {
  const parked = new Counter({
    name: 'carepath_effects_parked_total',
    help: 'Effects parked on the outbound dead-letter topic as never sendable, by reason and stream',
    labelNames: ['reason', 'stream'] as const,
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'carepath_journey_dead_letters_total',
    help: 'Inbound events a journey refused and dead-lettered after the bridge handed them over, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return (item) => {
    switch (item.kind) {
      case 'effect':
        return;
      case 'parked':
        parked.inc({ reason: item.reason, stream: item.stream });
        return;
      case 'inbound-dead-letter':
        deadLettered.inc({ reason: item.reason });
        return;
      default: {
        const unknown: never = item;
        throw new Error(`Unknown outbox item: ${JSON.stringify(unknown)}`);
      }
    }
  };
}

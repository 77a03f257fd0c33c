import { Counter, Histogram, type Registry } from 'prom-client';
import type { OutboxItem } from '../../schemas/outbox';

/**
 * Sees each outbox item the broker accepted: dead letters and parked effects are counted by reason,
 * level-of-care decisions by the rule that made them, and each effect's wait from decision to broker.
 */
export type OutboxObserver = (item: OutboxItem) => void;

/**
 * Series of what journeys decide and send, registered with the services' registry so /metrics shows
 * them: parked effects by reason and stream, inbound events the journeys dead-lettered by reason,
 * level changes and discharges by rule, and the outbox's age (decision to acknowledged send).
 */
export function outboxMetrics(registry: Registry, now: () => number = Date.now): OutboxObserver {
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
  const decisions = new Counter({
    name: 'carepath_decisions_total',
    help: 'Level-of-care changes and discharges the journeys published, by the rule that decided them',
    labelNames: ['decision', 'rule'] as const,
    registers: [registry],
  });
  const age = new Histogram({
    name: 'carepath_outbox_age_seconds',
    help: 'Time from a journey deciding an effect to the broker acknowledging it',
    // From a healthy send (well under a second) to a long broker outage.
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers: [registry],
  });
  return (item) => {
    switch (item.kind) {
      case 'effect': {
        const { effect } = item;
        age.observe(Math.max(0, (now() - Date.parse(effect.at)) / 1000));
        if (effect.type === 'level-changed' || effect.type === 'episode-ended')
          decisions.inc({ decision: effect.type, rule: effect.rule });
        return;
      }
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

import type { IntegrationActor } from '../../schemas';

/**
 * Who the bridge records inbound events as: the integration its Kafka connection authenticated as.
 * Today that is the configured CAREPATH_INTEGRATION_ID; a SASL-authenticated consumer passes its
 * principal here instead, and the bridge needs no other change.
 */
export const integrationActor = (authenticatedAs: string): IntegrationActor => ({
  staffId: authenticatedAs,
  role: 'integration',
});

/**
 * The Temporal SDK's own metrics (its Core's: pollers, task slots, schedule-to-start latencies,
 * sticky cache, request failures) on the process's `/metrics`, beside carepath's. Core serves them
 * in Prometheus' text format on a loopback port of the process's own; each scrape of `/metrics`
 * reads them there, so operators scrape one endpoint per process.
 */
let coreMetricsUrl: string | undefined;

/** Where Core listens, set once by `installTemporalLogging`; loopback only, it takes no token. */
export function exportTemporalMetricsOn(port: number): { bindAddress: string } {
  const bindAddress = `127.0.0.1:${port}`;
  coreMetricsUrl = `http://${bindAddress}/metrics`;
  return { bindAddress };
}

/**
 * The SDK's series as Prometheus text, to append to a registry's. Empty when this process exports
 * none, or before its first Temporal connection (Core starts its listener with the connection).
 */
export async function temporalSdkMetrics(): Promise<string> {
  if (!coreMetricsUrl) return '';
  const answer = await fetch(coreMetricsUrl, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
  if (!answer?.ok) return '';
  const text = await answer.text();
  return text.endsWith('\n') || text === '' ? text : `${text}\n`;
}

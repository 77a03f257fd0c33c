import type { Harness } from './harness';
import { outageUnderLoad, type OutageOptions } from './load';
import type { DrillResult } from './report';

/**
 * The Temporal dev server stopped mid-run and restarted on its SQLite file. The bridge
 * keeps messages uncommitted until Temporal accepts them; the worker reconnects and resumes.
 */
export function temporalRestartDrill(harness: Harness, opts: OutageOptions): Promise<DrillResult> {
  return outageUnderLoad(harness, 'temporal-restart', opts, {
    what: 'Temporal dev server',
    stop: () => harness.lab.stopTemporal(),
    start: () => harness.lab.startTemporal(),
    restartedOn: 'on its database file',
  });
}

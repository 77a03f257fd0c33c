import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  CareLevel,
  ClientId,
  EpisodeStatus,
  LevelSince,
  ProgramId,
  RiskLevel,
} from '../workflows/search-attributes';
import { ApiProblem } from './problem';
import { caseloadEntry, type CaseloadEntry, type CaseloadQuery } from './route-schemas';

/**
 * The caseload from Temporal visibility, filtered by the journey's search attributes. One row
 * per episode; runs closed by continue-as-new are left out, their successor is the episode.
 */
export function caseloadVisibilityQuery(filter: CaseloadQuery): string {
  // Every value was validated as an enum or a lower-case code, so it needs no escaping.
  const clauses = [`WorkflowType = 'episodeWorkflow'`, `ExecutionStatus != 'ContinuedAsNew'`];
  if (filter.level) clauses.push(`${CareLevel.name} = '${filter.level}'`);
  if (filter.program) clauses.push(`${ProgramId.name} = '${filter.program}'`);
  if (filter.risk) clauses.push(`${RiskLevel.name} = '${filter.risk}'`);
  if (filter.status) clauses.push(`${EpisodeStatus.name} = '${filter.status}'`);
  return clauses.join(' AND ');
}

/**
 * Cursors are Temporal's page tokens signed by this process: a forged or altered one is refused
 * here rather than sent to Temporal, which retries it for many seconds before failing. A cursor
 * does not outlive the process that issued it; the caller then starts again from the first page.
 */
const cursorKey = randomBytes(32);
const signature = (token: Buffer) => createHmac('sha256', cursorKey).update(token).digest().subarray(0, 16);

function cursorOf(token: Uint8Array): string {
  const bytes = Buffer.from(token);
  return Buffer.concat([signature(bytes), bytes]).toString('base64url');
}

function pageTokenOf(cursor: string): Buffer {
  const bytes = Buffer.from(cursor, 'base64url');
  const token = bytes.subarray(16);
  const expected = signature(token);
  if (bytes.length <= 16 || !timingSafeEqual(bytes.subarray(0, 16), expected))
    throw new ApiProblem(
      400,
      'invalid-cursor',
      'Invalid cursor',
      'The cursor is not one this server returned (or the server restarted since): start again without `cursor`.',
    );
  return token;
}

export async function listCaseload(
  client: Client,
  namespace: string,
  filter: CaseloadQuery,
): Promise<{ clients: CaseloadEntry[]; nextCursor: string | null }> {
  const response = await client.workflowService.listWorkflowExecutions({
    namespace,
    query: caseloadVisibilityQuery(filter),
    pageSize: filter.pageSize,
    nextPageToken: filter.cursor ? pageTokenOf(filter.cursor) : null,
  });
  const clients = response.executions.flatMap((execution) => {
    const fields = execution.searchAttributes?.indexedFields ?? {};
    const value = (name: string): unknown => {
      const payload = fields[name];
      const decoded = payload ? defaultPayloadConverter.fromPayload<unknown>(payload) : undefined;
      return Array.isArray(decoded) ? decoded[0] : decoded;
    };
    const row = caseloadEntry.safeParse({
      clientId: value(ClientId.name),
      programId: value(ProgramId.name),
      level: value(CareLevel.name),
      status: value(EpisodeStatus.name),
      riskLevel: value(RiskLevel.name),
      levelSince: value(LevelSince.name),
      workflowId: execution.execution?.workflowId,
      runId: execution.execution?.runId,
    });
    // A run without carepath's attributes (started by another tool) is not part of the caseload.
    return row.success ? [row.data] : [];
  });
  const token = response.nextPageToken;
  return { clients, nextCursor: token && token.length > 0 ? cursorOf(token) : null };
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { UnknownClient } from '../client/errors';
import type { Journeys } from '../client/journeys';
import { riskLevelSchema, type WeeksView } from '../schemas';
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

type Execution = temporal.api.workflow.v1.IWorkflowExecutionInfo;

/**
 * The caseload from Temporal visibility, filtered by the journey's search attributes and the
 * caller's programs (null: every program). One row per episode; runs closed by continue-as-new
 * are left out, their successor is the episode.
 */
export function caseloadVisibilityQuery(
  filter: Pick<CaseloadQuery, 'level' | 'program' | 'risk' | 'status'>,
  programs: readonly string[] | null = null,
  taskQueue?: string,
): string {
  // Every value was validated as an enum or a lower-case code, so it needs no escaping.
  const clauses = [`WorkflowType = 'episodeWorkflow'`, `ExecutionStatus != 'ContinuedAsNew'`];
  // Only journeys this API's worker serves: their queries are answered (another queue's may have no worker).
  if (taskQueue !== undefined) clauses.push(`TaskQueue = '${taskQueue.replace(/'/g, "\\'")}'`);
  if (filter.level) clauses.push(`${CareLevel.name} = '${filter.level}'`);
  if (filter.program) clauses.push(`${ProgramId.name} = '${filter.program}'`);
  if (filter.risk) clauses.push(`${RiskLevel.name} = '${filter.risk}'`);
  if (filter.status) clauses.push(`${EpisodeStatus.name} = '${filter.status}'`);
  if (programs) clauses.push(`${ProgramId.name} IN (${programs.map((p) => `'${p}'`).join(', ')})`);
  return clauses.join(' AND ');
}

/**
 * Cursors are Temporal's page tokens (or, for a sorted caseload, an offset) signed by this process:
 * a forged or altered one is refused here rather than sent to Temporal, which retries it for many
 * seconds before failing. A cursor does not outlive the process that issued it; the caller then
 * starts again from the first page.
 */
const cursorKey = randomBytes(32);
const signature = (token: Buffer) => createHmac('sha256', cursorKey).update(token).digest().subarray(0, 16);
const temporalPage = 0;
const offsetPage = 1;

function cursorOf(kind: number, token: Uint8Array): string {
  const bytes = Buffer.concat([Buffer.of(kind), Buffer.from(token)]);
  return Buffer.concat([signature(bytes), bytes]).toString('base64url');
}

function pageTokenOf(cursor: string, kind: number): Buffer {
  const bytes = Buffer.from(cursor, 'base64url');
  const token = bytes.subarray(16);
  const expected = signature(token);
  if (bytes.length <= 17 || !timingSafeEqual(bytes.subarray(0, 16), expected) || token[0] !== kind)
    throw new ApiProblem(
      400,
      'invalid-cursor',
      'Invalid cursor',
      'The cursor is not one this server returned for this kind of query (or the server restarted since): start again without `cursor`.',
    );
  return token.subarray(1);
}

type Row = Omit<CaseloadEntry, 'week' | 'pendingApprovals' | 'daysAtLevel'> & {
  closedAtMs: number | undefined;
};

/** A visibility row as a caseload row; null for a run without carepath's attributes (started by another tool). */
function rowOf(execution: Execution): Row | null {
  const fields = execution.searchAttributes?.indexedFields ?? {};
  const value = (name: string): unknown => {
    const payload = fields[name];
    const decoded = payload ? defaultPayloadConverter.fromPayload<unknown>(payload) : undefined;
    return Array.isArray(decoded) ? decoded[0] : decoded;
  };
  const row = caseloadEntry.omit({ week: true, pendingApprovals: true, daysAtLevel: true }).safeParse({
    clientId: value(ClientId.name),
    programId: value(ProgramId.name),
    level: value(CareLevel.name),
    status: value(EpisodeStatus.name),
    riskLevel: value(RiskLevel.name),
    levelSince: value(LevelSince.name),
    workflowId: execution.execution?.workflowId,
    runId: execution.execution?.runId,
  });
  return row.success ? { ...row.data, closedAtMs: optionalTsToMs(execution.closeTime) } : null;
}

/** Every visibility row a query matches, a thousand at a time. */
export async function scanEpisodes(client: Client, namespace: string, query: string): Promise<Row[]> {
  const rows: Row[] = [];
  let nextPageToken: Uint8Array | null = null;
  do {
    const response: temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse =
      await client.workflowService.listWorkflowExecutions({
        namespace,
        query,
        pageSize: 1000,
        nextPageToken,
      });
    rows.push(...response.executions.flatMap((execution) => rowOf(execution) ?? []));
    nextPageToken = response.nextPageToken?.length ? response.nextPageToken : null;
  } while (nextPageToken);
  return rows;
}

/** Runs `fn` over the items, at most `limit` at a time, in order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Queries in flight per caseload request: enough to hide latency, few enough to leave the worker room. */
export const queryConcurrency = 8;

const dayMs = 86_400_000;

/** This clinic week as the caseload shows it, from the pathway's weeks view; null where hours are not counted. */
function currentWeek(view: WeeksView): CaseloadEntry['week'] {
  const week = view.weeks.at(-1);
  if (!week || week.status !== 'current' || week.targetHours === null || week.floorHours === null)
    return null;
  return {
    hours: week.attendedHours,
    target: week.targetHours,
    floor: week.floorHours,
    belowFloor: week.attendedHours < week.floorHours,
  };
}

/**
 * Adds what visibility does not hold: for an open episode, its state (pending approvals) and weeks
 * (this week's hours) by two queries; a discharged one has neither. A client discharged between
 * the listing and the query answers as discharged.
 */
async function enrich(journeys: Journeys, row: Row, nowMs: number): Promise<CaseloadEntry> {
  const { closedAtMs, ...base } = row;
  const daysAtLevel = Math.max(0, Math.floor(((closedAtMs ?? nowMs) - Date.parse(base.levelSince)) / dayMs));
  if (base.status !== 'active') return { ...base, daysAtLevel, week: null, pendingApprovals: 0 };
  try {
    const [state, weeks] = await Promise.all([journeys.state(base.clientId), journeys.weeks(base.clientId)]);
    return {
      ...base,
      daysAtLevel,
      week: state.status === 'active' ? currentWeek(weeks) : null,
      pendingApprovals: state.pendingProposals.length,
    };
  } catch (error) {
    // Visibility lags behind a client's removal: list it without what only the journey knows.
    if (error instanceof UnknownClient) return { ...base, daysAtLevel, week: null, pendingApprovals: 0 };
    throw error;
  }
}

const matchesDerived = (filter: CaseloadQuery) => (entry: CaseloadEntry) =>
  (filter.awaitingApproval === undefined ||
    entry.pendingApprovals > 0 === (filter.awaitingApproval === 'true')) &&
  (filter.belowFloor === undefined || (entry.week?.belowFloor ?? false) === (filter.belowFloor === 'true'));

const byClient = (a: Row, b: Row) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0);

const comparators: Record<NonNullable<CaseloadQuery['sort']>, (a: Row, b: Row) => number> = {
  levelSince: (a, b) => Date.parse(a.levelSince) - Date.parse(b.levelSince),
  clientId: byClient,
  risk: (a, b) => riskLevelSchema.options.indexOf(a.riskLevel) - riskLevelSchema.options.indexOf(b.riskLevel),
};

/** Ordered by the field, ties by client id, so every page of a sorted caseload has a stable place. */
function sortRows(rows: Row[], sort: NonNullable<CaseloadQuery['sort']>, order: 'asc' | 'desc'): Row[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => sign * (comparators[sort](a, b) || byClient(a, b)));
}

/**
 * The caller's caseload, a page at a time. Unsorted, a page is a page of Temporal visibility, and
 * each row costs two journey queries (open episodes only). Sorted, the whole filtered caseload is
 * read from visibility to order it (a thousand rows a request) and only the page's rows are queried,
 * unless awaitingApproval or belowFloor is given: then every open episode is queried to filter it.
 */
export async function listCaseload(
  client: Client,
  namespace: string,
  journeys: Journeys,
  filter: CaseloadQuery,
  programs: readonly string[] | null,
  nowMs: number,
): Promise<{ clients: CaseloadEntry[]; nextCursor: string | null }> {
  const query = caseloadVisibilityQuery(filter, programs, journeys.taskQueue);
  const derived = matchesDerived(filter);
  const filtersDerived = filter.awaitingApproval !== undefined || filter.belowFloor !== undefined;
  const enrichAll = (rows: Row[]) =>
    mapBounded(rows, queryConcurrency, (row) => enrich(journeys, row, nowMs));

  if (!filter.sort) {
    const response = await client.workflowService.listWorkflowExecutions({
      namespace,
      query,
      pageSize: filter.pageSize,
      nextPageToken: filter.cursor ? pageTokenOf(filter.cursor, temporalPage) : null,
    });
    const rows = response.executions.flatMap((execution) => rowOf(execution) ?? []);
    const token = response.nextPageToken;
    return {
      clients: (await enrichAll(rows)).filter(derived),
      nextCursor: token && token.length > 0 ? cursorOf(temporalPage, token) : null,
    };
  }

  const offset = filter.cursor ? pageTokenOf(filter.cursor, offsetPage).readUInt32BE(0) : 0;
  const sorted = sortRows(await scanEpisodes(client, namespace, query), filter.sort, filter.order);
  const chosen = filtersDerived ? (await enrichAll(sorted)).filter(derived) : null;
  const total = chosen?.length ?? sorted.length;
  const clients = chosen
    ? chosen.slice(offset, offset + filter.pageSize)
    : await enrichAll(sorted.slice(offset, offset + filter.pageSize));
  const next = offset + filter.pageSize;
  const nextToken = Buffer.alloc(4);
  nextToken.writeUInt32BE(next, 0);
  return { clients, nextCursor: next < total ? cursorOf(offsetPage, nextToken) : null };
}

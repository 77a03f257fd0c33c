import createClient, { type Middleware } from 'openapi-fetch';
import { operations } from './operations';
import type { components, paths } from './schema';

export type EpisodeState = components['schemas']['EpisodeState'];
export type Weeks = components['schemas']['Weeks'];
export type Problem = components['schemas']['Problem'];
export type ProgramSummary = components['schemas']['ProgramSummary'];
export type ProgramDefinition = components['schemas']['ProgramDefinition'];
export type LevelOfCare = EpisodeState['level'];
export type Proposal = EpisodeState['pendingProposals'][number];
export type CaseloadEntry =
  paths['/v1/clients']['get']['responses'][200]['content']['application/json']['clients'][number];
export type HistoryEntry =
  paths['/v1/clients/{clientId}/history']['get']['responses'][200]['content']['application/json']['history'][number];

const tokenKey = 'carepath.token';

/** The token lives in this tab's sessionStorage only: never in a URL, a cookie or localStorage. */
export const token = {
  get: (): string | null => sessionStorage.getItem(tokenKey),
  set: (value: string) => sessionStorage.setItem(tokenKey, value),
  clear: () => sessionStorage.removeItem(tokenKey),
};

const bearer: Middleware = {
  onRequest({ request }) {
    const current = token.get();
    if (current) request.headers.set('authorization', `Bearer ${current}`);
    return request;
  },
};

/** The typed client of the API this page came from, generated from its OpenAPI document. */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(bearer);

/** Whether the API this app was built against offers an operation, e.g. `get /v1/approvals`. */
export const offers = (operation: string): boolean => operations[operation] !== undefined;

/** Whether an operation takes a query parameter, e.g. `sort` on `get /v1/clients`. */
export const takesQuery = (operation: string, name: string): boolean =>
  operations[operation]?.includes(name) ?? false;

/** What to tell the coordinator about a refused or failed call: the API's own words. */
export function describeProblem(error: unknown, status?: number): string {
  if (error && typeof error === 'object' && 'detail' in error && typeof error.detail === 'string') {
    const problem = error as Problem & Record<string, unknown>;
    const issues = (problem.issues ?? []).map((i) => `${i.path.join('.') || i.location}: ${i.message}`);
    return [problem.title ? `${problem.title}: ${problem.detail}` : problem.detail, ...issues].join(' — ');
  }
  if (status === undefined) return 'The API did not answer: check that carepath is running, then try again.';
  return `The API answered ${status} without an explanation: try again, or ask your administrator.`;
}

/** The validation issues of a 400/422 answer by field path, to show beside each field. */
export function issuesByField(error: unknown): Record<string, string> {
  const issues = (error as Partial<Problem> | undefined)?.issues ?? [];
  return Object.fromEntries(issues.map((i) => [i.path.join('.'), i.message]));
}

export class ApiError extends Error {
  constructor(
    readonly status: number | undefined,
    readonly problem: unknown,
  ) {
    super(describeProblem(problem, status));
  }
}

/** The data of an answer, or an ApiError carrying the problem in words (also when nothing answered). */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiError(undefined, undefined);
  }
  if (result.data !== undefined && result.response.ok) return result.data;
  throw new ApiError(result.response.status, result.error);
}

/**
 * Routes of the coordinator-app contract that an API build may not offer yet: called only when
 * `offers()` says the server has them, typed by the contract until the generated schema has them.
 */
export interface SessionAnswer {
  staffId: string;
  role: 'coordinator' | 'clinician' | 'viewer';
  staffRole: string;
  programs: string[] | null;
}
export interface PendingApproval extends Proposal {
  clientId: string;
  programId: string;
  decidable: boolean;
  notDecidableReason?: string;
}
export interface TransitionOption {
  level: LevelOfCare;
  allowed: boolean;
  refusal?: { code: string; message: string };
}
export type AttendanceStatus = 'present' | 'excused' | 'unexcused' | 'no-show';
export interface AttendanceResult {
  clientId: string;
  outcome: 'recorded' | 'duplicate' | 'refused';
  eventId: string;
  problem?: unknown;
}

type Untyped = (
  path: string,
  init?: { body?: unknown },
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** Calls a contract route through the same client (and its token) as the generated ones. */
export function contractCall<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const untyped = api as unknown as Record<'GET' | 'POST', Untyped>;
  return ok(untyped[method](path, body === undefined ? {} : { body })) as Promise<T>;
}

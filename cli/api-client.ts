/** The CLI's view of the coordinator API: one request, its JSON answer, or a typed failure. */

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  issues?: { location?: string; path?: string[]; message?: string }[];
  [extension: string]: unknown;
}

/** The API answered with a problem (4xx or 5xx). */
export class ApiRefused extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
}

/** The API could not be reached at all. */
export class ApiUnreachable extends Error {}

export interface ApiTarget {
  url: string;
  token: string | undefined;
}

export async function callApi(
  target: ApiTarget,
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; idempotencyKey?: string } = {},
): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(new URL(path, target.url), {
      method,
      headers: {
        accept: 'application/json, application/problem+json',
        ...(target.token && { authorization: `Bearer ${target.token}` }),
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...(options.idempotencyKey && { 'idempotency-key': options.idempotencyKey }),
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
  } catch (error) {
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new ApiUnreachable(
      `cannot reach the carepath API at ${target.url} (${cause}): start it with \`npm start\`, or set CAREPATH_API_URL / --api.`,
    );
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (e.g. a proxy's error page): keep the text to show it.
  }
  if (!response.ok)
    throw new ApiRefused(
      typeof body === 'object' && body !== null
        ? { status: response.status, ...(body as Problem) }
        : { status: response.status, title: response.statusText, detail: String(body) },
    );
  return { status: response.status, body };
}

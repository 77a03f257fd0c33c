import { useState } from 'preact/hooks';
import { runDetached } from '../run-detached';
import {
  api,
  contractCall,
  describeProblem,
  offers,
  ok,
  ApiError,
  type AttendanceResult,
  type AttendanceStatus,
} from '../api/client';
import { levelNames, words } from '../format';
import { useAction, usePolled } from '../hooks';
import { hrefOf } from '../router';
import { useRequestSchemas, variantsOf } from '../schema-form';
import { Alert } from '../alert';

const statuses: readonly AttendanceStatus[] = ['present', 'excused', 'unexcused', 'no-show'];

interface Session {
  sessionId: string;
  kind: string;
  occurredAt: string;
  hours: string;
}

/**
 * One roster, one session: each client's line becomes an attended or missed session. Where the API
 * has no group route, each line is recorded as that client's own event with the same ids.
 */
async function recordRoster(session: Session, roster: { clientId: string; status: AttendanceStatus }[]) {
  const occurredAt = new Date(session.occurredAt).toISOString();
  const hours = Number(session.hours);
  if (offers('post /v1/groups/attendance'))
    return contractCall<{ results: AttendanceResult[] }>('POST', '/v1/groups/attendance', {
      sessionId: session.sessionId,
      kind: session.kind,
      occurredAt,
      hours,
      roster,
    }).then((a) => a.results);
  const results: AttendanceResult[] = [];
  for (const { clientId, status } of roster) {
    const eventId = `${session.sessionId}:${clientId}`;
    const body =
      status === 'present'
        ? {
            type: 'session-attended',
            eventId,
            occurredAt,
            sessionId: session.sessionId,
            kind: session.kind,
            hours,
          }
        : {
            type: 'session-missed',
            eventId,
            occurredAt,
            sessionId: session.sessionId,
            kind: session.kind,
            absence: status,
          };
    try {
      await ok(
        api.POST('/v1/clients/{clientId}/events', {
          params: { path: { clientId }, query: { wait: 'true' } },
          body: body as never,
        }),
      );
      results.push({ clientId, outcome: 'recorded', eventId });
    } catch (error) {
      results.push({
        clientId,
        outcome: 'refused',
        eventId,
        problem: error instanceof ApiError ? error.problem : error,
      });
    }
  }
  return results;
}

export function Attendance() {
  const { schemas } = useRequestSchemas();
  const kinds =
    variantsOf(schemas?.ClientEventBody)['session-attended']?.properties?.kind?.enum?.map(String) ?? [];
  const caseload = usePolled(
    () => ok(api.GET('/v1/clients', { params: { query: { status: 'active', pageSize: 100 } } })),
    'active',
    false,
  );
  const [session, setSession] = useState<Session>({
    sessionId: '',
    kind: 'group',
    occurredAt: '',
    hours: '3',
  });
  const [marks, setMarks] = useState<Record<string, AttendanceStatus | ''>>({});
  const [results, setResults] = useState<AttendanceResult[] | null>(null);
  const action = useAction();
  const clients = caseload.data?.clients ?? [];
  const roster = clients.flatMap((c) => {
    const status = marks[c.clientId];
    return status ? [{ clientId: c.clientId, status }] : [];
  });

  return (
    <section>
      <h1>Group attendance</h1>
      <p>Record one session for everyone on its roster. Leave a client unmarked to leave them out.</p>
      <form
        class="form"
        onSubmit={runDetached(async (event) => {
          event.preventDefault();
          setResults(null);
          const answer = await action.run(() => recordRoster(session, roster));
          if (answer) setResults(answer);
        })}
      >
        <fieldset class="row">
          <legend>Session</legend>
          <div class="field">
            <label for="session-id">Session id</label>
            <input
              id="session-id"
              required
              value={session.sessionId}
              onInput={(e) => setSession({ ...session, sessionId: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="session-kind">Kind</label>
            <select
              id="session-kind"
              value={session.kind}
              onChange={(e) => setSession({ ...session, kind: e.currentTarget.value })}
            >
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {words(k)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="session-at">Held at</label>
            <input
              id="session-at"
              type="datetime-local"
              required
              value={session.occurredAt}
              onInput={(e) => setSession({ ...session, occurredAt: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="session-hours">Hours</label>
            <input
              id="session-hours"
              type="number"
              step="any"
              min="0"
              required
              value={session.hours}
              onInput={(e) => setSession({ ...session, hours: e.currentTarget.value })}
            />
          </div>
        </fieldset>
        <Alert message={caseload.error} />
        {caseload.data && clients.length === 0 && (
          <p class="empty">
            No active clients: <a href={hrefOf.admit()}>admit a client</a> first.
          </p>
        )}
        {clients.length > 0 && (
          <table>
            <caption>Roster ({roster.length} marked)</caption>
            <thead>
              <tr>
                <th scope="col">Client</th>
                <th scope="col">Level</th>
                {statuses.map((s) => (
                  <th scope="col" key={s}>
                    {words(s)}
                  </th>
                ))}
                <th scope="col">Not in this group</th>
              </tr>
            </thead>
            <tbody>
              {clients.map((c) => (
                <tr key={c.clientId}>
                  <th scope="row">{c.clientId}</th>
                  <td>{levelNames[c.level]}</td>
                  {[...statuses, '' as const].map((s) => (
                    <td key={s || 'none'}>
                      <input
                        type="radio"
                        name={`mark-${c.clientId}`}
                        aria-label={`${c.clientId}: ${s ? words(s) : 'not in this group'}`}
                        checked={(marks[c.clientId] ?? '') === s}
                        onChange={() => setMarks({ ...marks, [c.clientId]: s })}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Alert message={action.error} />
        <button type="submit" disabled={action.busy || roster.length === 0}>
          {action.busy
            ? 'Recording…'
            : `Record attendance for ${roster.length} client${roster.length === 1 ? '' : 's'}`}
        </button>
      </form>
      {results && (
        <section aria-labelledby="results-heading" role="status">
          <h2 id="results-heading">Recorded</h2>
          <ul>
            {results.map((r) => (
              <li key={r.clientId} class={r.outcome === 'refused' ? 'error' : undefined}>
                <a href={hrefOf.client(r.clientId)}>{r.clientId}</a>: {r.outcome}
                {r.outcome === 'refused' && ` — ${describeProblem(r.problem)}`}
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

import { useState } from 'preact/hooks';
import { runDetached } from '../run-detached';
import {
  api,
  contractCall,
  issuesByField,
  offers,
  ok,
  type EpisodeState,
  type LevelOfCare,
  type PendingApproval,
  type ProgramDefinition,
  type Proposal,
  type TransitionOption,
} from '../api/client';
import { HoursChart, LevelTimeline } from '../charts';
import { daysSince, formatDate, formatDateTime, hours, levelNames, words } from '../format';
import { useAction, usePolled } from '../hooks';
import { SchemaFields, bodyOf, useRequestSchemas, variantsOf } from '../schema-form';
import type { Signed } from '../session';
import { Alert } from '../alert';

async function loadChart(clientId: string) {
  const path = { clientId };
  const [state, history, weeks, approvals] = await Promise.all([
    ok(api.GET('/v1/clients/{clientId}', { params: { path } })),
    ok(api.GET('/v1/clients/{clientId}/history', { params: { path } })),
    ok(api.GET('/v1/clients/{clientId}/weeks', { params: { path } })),
    offers('get /v1/approvals')
      ? contractCall<{ proposals: PendingApproval[] }>('GET', '/v1/approvals').then((a) => a.proposals)
      : Promise.resolve(null),
  ]);
  return { state, history: history.history, weeks: weeks.weeks, approvals };
}

/** The version the episode runs under: the last move's, else the latest loaded when it never moved. */
function programOf(
  state: EpisodeState,
  versions: readonly ProgramDefinition[],
): ProgramDefinition | undefined {
  const moved = state.programVersionChanges?.at(-1)?.toVersion;
  return versions.find((v) => v.version === moved) ?? versions.at(-1);
}

/** Why the signed-in person may not decide a proposal, when the API or the four-eyes rule says so. */
function whyNotDecidable(
  proposal: Proposal,
  signed: Signed,
  approvals: PendingApproval[] | null,
): string | null {
  const listed = approvals?.find((a) => a.proposalId === proposal.proposalId);
  if (listed)
    return listed.decidable ? null : (listed.notDecidableReason ?? 'You may not decide this proposal.');
  const opener = 'staffId' in proposal.openedBy ? proposal.openedBy.staffId : null;
  if (signed.session && opener === signed.session.staffId)
    return 'You opened this proposal: someone else must decide it (four-eyes rule).';
  return null;
}

function describeAction(action: Proposal['action']): string {
  switch (action.type) {
    case 'level-change':
      return `Move from ${levelNames[action.from]} to ${levelNames[action.to]}`;
    case 'discharge':
      return `Discharge (${words(action.kind)})`;
    default: {
      const unknown: never = action;
      throw new Error(`unknown proposal action ${JSON.stringify(unknown)}`);
    }
  }
}

export function ClientChart({ clientId, signed }: { clientId: string; signed: Signed }) {
  const chart = usePolled(() => loadChart(clientId), clientId);
  const programId = chart.data?.state.programId;
  const program = usePolled(
    () =>
      programId
        ? ok(api.GET('/v1/programs/{programId}', { params: { path: { programId } } }))
        : Promise.resolve(undefined),
    programId ?? '',
    false,
  );
  const [notice, setNotice] = useState<string | null>(null);

  if (chart.error && !chart.data)
    return (
      <section>
        <h1>Client {clientId}</h1>
        <Alert message={chart.error} />
      </section>
    );
  if (!chart.data) return <p class="loading">Loading client {clientId}…</p>;
  const { state, history, weeks, approvals } = chart.data;
  const definition = program.data ? programOf(state, program.data.versions) : undefined;
  const plan = definition?.levels[state.level]?.milestones ?? [];
  const met = new Set(state.milestones.filter((m) => m.level === state.level).map((m) => m.milestoneId));
  const timers = [...state.timers].sort((a, b) => a.fireAt.localeCompare(b.fireAt)).slice(0, 5);
  const active = state.status === 'active';
  const done = async (message: string) => {
    setNotice(message);
    await chart.reload();
  };

  return (
    <section class="chart">
      <h1>
        Client {state.clientId}{' '}
        <span class="subtitle">
          {levelNames[state.level]} · {state.programId} · {words(state.status)}
        </span>
      </h1>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <Alert message={chart.error && `Could not refresh: ${chart.error}`} />
      <dl class="facts">
        <div>
          <dt>Level of care</dt>
          <dd>
            {levelNames[state.level]} since {formatDate(state.levelSince)} ({daysSince(state.levelSince)}{' '}
            days)
          </dd>
        </div>
        <div>
          <dt>Risk</dt>
          <dd>
            <span class={`risk risk-${state.riskLevel}`}>{state.riskLevel}</span>
            {state.riskFlags.length > 0 ? ` — ${state.riskFlags.map(words).join(', ')}` : ' — no flags'}
          </dd>
        </div>
        <div>
          <dt>This week</dt>
          <dd>
            {hours(state.week.attendedHours)} attended of {hours(state.week.targetHours)} target (floor{' '}
            {hours(state.week.floorHours)})
          </dd>
        </div>
        <div>
          <dt>In care since</dt>
          <dd>{formatDate(state.admittedAt)}</dd>
        </div>
        {state.discharge && (
          <div>
            <dt>Discharged</dt>
            <dd>
              {formatDateTime(state.discharge.at)}: {words(state.discharge.kind)} (
              {words(state.discharge.reasonCode)})
            </dd>
          </div>
        )}
      </dl>

      <div class="panels">
        <section aria-labelledby="levels-heading" class="panel wide">
          <h2 id="levels-heading">Levels of care</h2>
          <LevelTimeline history={history} until={state.discharge?.at ?? new Date().toISOString()} />
        </section>
        <section aria-labelledby="hours-heading" class="panel wide">
          <h2 id="hours-heading">Hours per week</h2>
          <HoursChart weeks={weeks} />
        </section>
        <section aria-labelledby="proposals-heading" class="panel">
          <h2 id="proposals-heading">Pending approvals</h2>
          {state.pendingProposals.length === 0 ? (
            <p class="empty">Nothing awaits approval.</p>
          ) : (
            <ul class="proposals">
              {state.pendingProposals.map((proposal) => (
                <ProposalItem
                  key={proposal.proposalId}
                  clientId={clientId}
                  proposal={proposal}
                  blocked={whyNotDecidable(proposal, signed, approvals)}
                  onDone={done}
                />
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="milestones-heading" class="panel">
          <h2 id="milestones-heading">Milestones at {levelNames[state.level]}</h2>
          {plan.length === 0 ? (
            <p class="empty">This level has no milestones in the program.</p>
          ) : (
            <ul class="milestones">
              {plan.map((m) => (
                <li key={m.milestoneId} class={met.has(m.milestoneId) ? 'met' : 'open'}>
                  {words(m.milestoneId)}: {met.has(m.milestoneId) ? 'met' : 'open'}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="timers-heading" class="panel">
          <h2 id="timers-heading">Next due</h2>
          {timers.length === 0 ? (
            <p class="empty">No reviews or deadlines are due.</p>
          ) : (
            <ul>
              {timers.map((t) => (
                <li key={t.timerId}>
                  <time dateTime={t.fireAt}>{formatDateTime(t.fireAt)}</time>: {words(t.kind)}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="auth-heading" class="panel">
          <h2 id="auth-heading">Authorizations</h2>
          {state.authorizations.length === 0 ? (
            <p class="empty">No payer authorization recorded.</p>
          ) : (
            <ul>
              {state.authorizations.map((a) => (
                <li key={a.authorizationRef}>
                  {a.authorizationRef} ({levelNames[a.payerLevel]}): {a.remainingUnits} of {a.unitsAuthorized}{' '}
                  {a.unit} left, until {a.endDate}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      {active ? (
        <div class="panels actions">
          <RecordEvent clientId={clientId} onDone={done} />
          <RequestTransition
            clientId={clientId}
            level={state.level}
            allowedByProgram={definition?.levels[state.level]?.transitionsTo ?? []}
            onDone={done}
          />
          <Discharge clientId={clientId} onDone={done} />
        </div>
      ) : (
        <p class="empty">This episode has ended: admit the client again to start a new one.</p>
      )}
    </section>
  );
}

type Done = (message: string) => Promise<void>;

function ProposalItem(props: { clientId: string; proposal: Proposal; blocked: string | null; onDone: Done }) {
  const { clientId, proposal, blocked, onDone } = props;
  const action = useAction();
  const [reason, setReason] = useState('');
  const { schemas } = useRequestSchemas();
  const reasons = schemas?.Rejection?.properties?.reasonCode?.enum?.map(String) ?? [];
  const path = { clientId, proposalId: proposal.proposalId };
  const reasonId = `reject-reason-${proposal.proposalId}`;
  const blockedId = `blocked-${proposal.proposalId}`;
  return (
    <li class={proposal.escalated ? 'proposal escalated' : 'proposal'}>
      <p>
        <strong>{describeAction(proposal.action)}</strong> — {words(proposal.reasonCode)} (
        {words(proposal.rule)}){proposal.escalated && <span class="tag">escalated</span>}
      </p>
      <p class="meta">
        Opened {formatDateTime(proposal.openedAt)}
        {'staffId' in proposal.openedBy ? ` by ${proposal.openedBy.staffId}` : ''}; decide by{' '}
        {formatDateTime(proposal.deadline)} ({words(proposal.approverRole)})
      </p>
      {blocked && (
        <p class="blocked" id={blockedId}>
          {blocked}
        </p>
      )}
      <div class="buttons">
        <button
          type="button"
          disabled={action.busy || blocked !== null}
          aria-describedby={blocked ? blockedId : undefined}
          onClick={runDetached(async () => {
            const result = await action.run(() =>
              ok(
                api.POST('/v1/clients/{clientId}/proposals/{proposalId}/approve', {
                  params: { path },
                  body: {},
                }),
              ),
            );
            if (result) await onDone(`Approved: ${describeAction(proposal.action)}.`);
          })}
        >
          Approve
        </button>
        <label for={reasonId}>Reason to reject</label>
        <select
          id={reasonId}
          value={reason}
          disabled={blocked !== null}
          onChange={(e) => setReason(e.currentTarget.value)}
        >
          <option value="">Choose…</option>
          {reasons.map((r) => (
            <option key={r} value={r}>
              {words(r)}
            </option>
          ))}
        </select>
        <button
          type="button"
          class="secondary"
          disabled={action.busy || blocked !== null || reason === ''}
          onClick={runDetached(async () => {
            const result = await action.run(() =>
              ok(
                api.POST('/v1/clients/{clientId}/proposals/{proposalId}/reject', {
                  params: { path },
                  body: { reasonCode: reason as never },
                }),
              ),
            );
            if (result) await onDone(`Rejected: ${describeAction(proposal.action)}.`);
          })}
        >
          Reject
        </button>
      </div>
      <Alert message={action.error} />
    </li>
  );
}

function RecordEvent({ clientId, onDone }: { clientId: string; onDone: Done }) {
  const { schemas, error } = useRequestSchemas();
  const variants = variantsOf(schemas?.ClientEventBody);
  const [type, setType] = useState('');
  const [values, setValues] = useState<Record<string, unknown>>({});
  const action = useAction();
  const schema = variants[type];
  return (
    <section class="panel" aria-labelledby="event-heading">
      <h2 id="event-heading">Record an event</h2>
      <Alert message={error} />
      <form
        class="form"
        onSubmit={runDetached(async (event) => {
          event.preventDefault();
          if (!schema) return;
          const outcome = await action.run(() =>
            ok(
              api.POST('/v1/clients/{clientId}/events', {
                params: { path: { clientId }, query: { wait: 'true' } },
                body: bodyOf(schema, values) as never,
              }),
            ),
          );
          if (outcome) {
            setValues({});
            await onDone(`Recorded ${words(type)}.`);
          }
        })}
      >
        <div class="field">
          <label for="event-type">What happened</label>
          <select
            id="event-type"
            value={type}
            onChange={(e) => {
              setType(e.currentTarget.value);
              setValues({});
            }}
          >
            <option value="">Choose…</option>
            {Object.keys(variants).map((t) => (
              <option key={t} value={t}>
                {words(t)}
              </option>
            ))}
          </select>
        </div>
        {schema && (
          <SchemaFields
            schema={schema}
            values={values}
            onChange={setValues}
            issues={issuesByField(action.problem)}
            hidden={['eventId']}
            idPrefix="event"
            labels={{ occurredAt: 'When it happened' }}
          />
        )}
        <Alert message={action.error} />
        <button type="submit" disabled={!schema || action.busy}>
          {action.busy ? 'Recording…' : 'Record event'}
        </button>
      </form>
    </section>
  );
}

function RequestTransition(props: {
  clientId: string;
  level: LevelOfCare;
  allowedByProgram: readonly LevelOfCare[];
  onDone: Done;
}) {
  const { clientId, level, allowedByProgram, onDone } = props;
  const { schemas } = useRequestSchemas();
  const options = usePolled(
    () =>
      offers('get /v1/clients/{clientId}/transition-options')
        ? contractCall<{ options: TransitionOption[] }>(
            'GET',
            `/v1/clients/${encodeURIComponent(clientId)}/transition-options`,
          ).then((a) => a.options)
        : Promise.resolve(allowedByProgram.map((l): TransitionOption => ({ level: l, allowed: true }))),
    `${clientId}:${level}:${allowedByProgram.join()}`,
    false,
  );
  const [target, setTarget] = useState('');
  const [reason, setReason] = useState('');
  const action = useAction();
  const reasons = schemas?.TransitionRequest?.properties?.reasonCode?.enum?.map(String) ?? [];
  const allowed = options.data?.filter((o) => o.allowed) ?? [];
  const refused = options.data?.filter((o) => !o.allowed) ?? [];
  return (
    <section class="panel" aria-labelledby="transition-heading">
      <h2 id="transition-heading">Request a change of level</h2>
      <form
        class="form"
        onSubmit={runDetached(async (event) => {
          event.preventDefault();
          const answer = await action.run(() =>
            ok(
              api.POST('/v1/clients/{clientId}/transitions', {
                params: { path: { clientId } },
                body: { targetLevel: target as LevelOfCare, reasonCode: reason as never },
              }),
            ),
          );
          if (answer)
            await onDone(
              answer.proposal
                ? `Awaiting approval: the move to ${levelNames[target as LevelOfCare]} needs a ${words(answer.proposal.approverRole)}'s decision.`
                : `Moved to ${levelNames[answer.state.level]}.`,
            );
        })}
      >
        <div class="field">
          <label for="transition-target">Move to</label>
          <select id="transition-target" value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
            <option value="">Choose…</option>
            {allowed.map((o) => (
              <option key={o.level} value={o.level}>
                {levelNames[o.level]}
              </option>
            ))}
          </select>
          {allowed.length === 0 && options.data && (
            <span class="hint">The program allows no move from {levelNames[level]}.</span>
          )}
        </div>
        <div class="field">
          <label for="transition-reason">Reason</label>
          <select id="transition-reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
            <option value="">Choose…</option>
            {reasons.map((r) => (
              <option key={r} value={r}>
                {words(r)}
              </option>
            ))}
          </select>
        </div>
        {refused.length > 0 && (
          <ul class="refusals" aria-label="Levels not available now">
            {refused.map((o) => (
              <li key={o.level}>
                {levelNames[o.level]}: {o.refusal?.message ?? 'not allowed now'}
              </li>
            ))}
          </ul>
        )}
        <Alert message={action.error ?? options.error} />
        <button type="submit" disabled={action.busy || !target || !reason}>
          Request change
        </button>
      </form>
    </section>
  );
}

function Discharge({ clientId, onDone }: { clientId: string; onDone: Done }) {
  const { schemas } = useRequestSchemas();
  const [values, setValues] = useState<Record<string, unknown>>({});
  const action = useAction();
  const schema = schemas?.Discharge;
  return (
    <section class="panel" aria-labelledby="discharge-heading">
      <h2 id="discharge-heading">Discharge</h2>
      {schema && (
        <form
          class="form"
          onSubmit={runDetached(async (event) => {
            event.preventDefault();
            const outcome = await action.run(() =>
              ok(
                api.POST('/v1/clients/{clientId}/discharge', {
                  params: { path: { clientId } },
                  body: bodyOf(schema, values) as never,
                }),
              ),
            );
            if (outcome) await onDone('Discharged.');
          })}
        >
          <SchemaFields
            schema={schema}
            values={values}
            onChange={setValues}
            issues={issuesByField(action.problem)}
            hidden={['commandId']}
            idPrefix="discharge"
            labels={{ reasonCode: 'Reason' }}
          />
          <Alert message={action.error} />
          <button type="submit" class="danger" disabled={action.busy}>
            Discharge client
          </button>
        </form>
      )}
    </section>
  );
}

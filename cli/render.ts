import type { z } from 'zod';
import type {
  caseloadAnswer,
  episodeSnapshot,
  historyAnswer,
  programAnswer,
  programListAnswer,
  weeksAnswer,
} from '../api/route-schemas';
import { fields, table } from './table';

/**
 * Human-readable views of the API's answers (identifiers and codes, as the API gives them). Each
 * renderer takes what its route's schema declares, so the CLI cannot drift from the API.
 */
export type Answer<S extends z.ZodType> = z.output<S>;

/** What `renderState` shows is in both the state read and a command's answer. */
type State = Answer<typeof episodeSnapshot>;

type Proposal = State['pendingProposals'][number];

const action = (p: Proposal) =>
  p.action.type === 'level-change' ? `${p.action.from} -> ${p.action.to}` : `discharge (${p.action.kind})`;

export function renderState(state: State): string {
  const summary = fields([
    ['client', state.clientId],
    ['program', state.programId],
    [
      'status',
      state.discharge ? `${state.status} (${state.discharge.kind}, ${state.discharge.at})` : state.status,
    ],
    ['level', `${state.level} since ${state.levelSince}`],
    ['risk', state.riskFlags.length ? `${state.riskLevel} (${state.riskFlags.join(', ')})` : state.riskLevel],
    ['cohort', state.cohortId ?? '-'],
    [
      'this week',
      `${state.week.attendedHours} h attended${state.week.targetHours === null ? '' : ` of ${state.week.targetHours} h`}`,
    ],
  ]);
  if (state.pendingProposals.length === 0) return `${summary}\n\nNo proposals awaiting approval.`;
  return `${summary}\n\nAwaiting approval:\n${table(
    ['PROPOSAL', 'ACTION', 'APPROVER', 'DEADLINE'],
    state.pendingProposals.map((p) => [p.proposalId, action(p), p.approverRole, p.deadline]),
  )}`;
}

export function renderHistory(history: Answer<typeof historyAnswer>): string {
  return table(
    ['AT', 'FROM', 'TO', 'REASON', 'RULE', 'BY'],
    history.history.map((e) => [
      e.at,
      e.from ?? '-',
      e.to,
      e.reasonCode,
      e.rule,
      `${e.actor.staffId} (${e.actor.role})`,
    ]),
  );
}

const hoursOf = (hours: number | null) => (hours === null ? '-' : `${hours} h`);

export function renderWeeks(weeks: Answer<typeof weeksAnswer>): string {
  const starts =
    weeks.weekStartsOn === null ? '7-day weeks from the level' : `weeks from ${weeks.weekStartsOn}`;
  return `Clinic time zone ${weeks.timeZone}, ${starts}\n\n${table(
    ['FROM', 'TO', 'LEVEL', 'STATUS', 'ATTENDED', 'SCHEDULED', 'TARGET', 'FLOOR', 'FLAGS'],
    weeks.weeks.map((w) => [
      w.localStart,
      w.localEnd,
      w.level,
      w.status,
      `${w.attendedHours} h in ${w.attendedSessions}`,
      `${w.scheduledHours} h in ${w.scheduledSessions}`,
      hoursOf(w.targetHours),
      hoursOf(w.floorHours),
      w.flags.join(', ') || '-',
    ]),
  )}`;
}

/** A week's floor is scaled by the share of the week at the level, so it may have many decimals. */
const oneDecimal = (hours: number): string => String(Math.round(hours * 10) / 10);

export function renderCaseload(caseload: Answer<typeof caseloadAnswer>): string {
  if (caseload.clients.length === 0) return 'No clients match.';
  const rows = table(
    ['CLIENT', 'PROGRAM', 'LEVEL', 'SINCE', 'DAYS', 'WEEK H/FLOOR', 'APPROVALS', 'RISK', 'STATUS'],
    caseload.clients.map((c) => [
      c.clientId,
      c.programId,
      c.level,
      c.levelSince,
      String(c.daysAtLevel),
      c.week
        ? `${oneDecimal(c.week.hours)}/${oneDecimal(c.week.floor)}${c.week.belowFloor ? ' below' : ''}`
        : '-',
      String(c.pendingApprovals),
      c.riskLevel,
      c.status,
    ]),
  );
  return caseload.nextCursor ? `${rows}\n\nMore: add --cursor ${caseload.nextCursor}` : rows;
}

/** After a command: what changed, then the state. */
export function renderOutcome(headline: string, outcome: { state: State }): string {
  return `${headline}\n\n${renderState(outcome.state)}`;
}

export function renderPrograms(answer: Answer<typeof programListAnswer>): string {
  return table(
    ['PROGRAM', 'LATEST', 'VERSIONS', 'LEVELS', 'ENTRY LEVELS'],
    answer.programs.map((p) => [
      p.programId,
      String(p.latestVersion),
      p.versions.join(', '),
      p.levels.join(', '),
      p.entryLevels.join(', '),
    ]),
  );
}

export function renderProgram(answer: Answer<typeof programAnswer>): string {
  return `${answer.programId}, latest version ${answer.latestVersion}\n\n${table(
    ['VERSION', 'LEVEL', 'SERVICE CODE', 'REVENUE CODE', 'UNIT'],
    answer.versions.flatMap((v) =>
      Object.entries(v.levels).map(([level, plan]) => [
        String(v.version),
        level,
        plan.billing.serviceCode,
        plan.billing.revenueCode,
        plan.billing.unit,
      ]),
    ),
  )}`;
}

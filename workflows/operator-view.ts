import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { weekEnd } from '../pathway/week';
import type { EpisodeState, Timer } from '../schemas';
import { CareLevel, ClientId, EpisodeStatus, LevelSince, ProgramId, RiskLevel } from './search-attributes';

/**
 * What operators see in the Temporal UI without decoding payloads: search attributes to filter
 * journeys by, and current details for the one they open. Identifiers and codes only.
 */

export function nextTimer(timers: readonly Timer[]): Timer | undefined {
  return timers.reduce<Timer | undefined>(
    (earliest, t) => (!earliest || t.fireAt < earliest.fireAt ? t : earliest),
    undefined,
  );
}

function searchAttributeValues(state: EpisodeState) {
  return {
    CareLevel: state.level,
    ProgramId: state.programId,
    EpisodeStatus: state.status,
    RiskLevel: state.riskLevel,
    ClientId: state.clientId,
    LevelSince: state.levelSince,
  };
}

export function currentDetails(state: EpisodeState): string {
  const week = state.week;
  const hours =
    week.targetHours === null
      ? '24-hour level (hours not counted)'
      : `${week.attendedHours} of ${week.targetHours} h in ${week.attendedSessions} sessions (floor ${week.floorHours ?? 0} h)`;
  const review = nextTimer(state.timers);
  const lines = [
    `**Episode** ${state.episodeId} — ${state.status}`,
    `**Level of care** ${state.level} since ${state.levelSince}`,
    `**This week** (from ${week.start} to ${weekEnd(week)}) ${hours}`,
    `**Risk** ${state.riskLevel}${state.riskFlags.length ? ` (${state.riskFlags.join(', ')})` : ''}`,
    `**Next review** ${review ? `${review.kind} at ${review.fireAt}` : 'none scheduled'}`,
    `**Pending approvals** ${state.pendingProposals.map((p) => `${p.proposalId} due ${p.deadline}`).join('; ') || 'none'}`,
  ];
  if (state.discharge) lines.push(`**Discharged** ${state.discharge.kind} at ${state.discharge.at}`);
  return lines.join('\n');
}

type Shown = Partial<ReturnType<typeof searchAttributeValues>>;

/**
 * The search attributes the run was started with: set by the client at admission, carried by the
 * server across continue-as-new. Upserting them again at the start of each run would change nothing.
 */
export function viewAtStart(): Shown {
  const attributes = workflowInfo().typedSearchAttributes;
  const since = attributes.get(LevelSince);
  return {
    CareLevel: attributes.get(CareLevel) as Shown['CareLevel'],
    ProgramId: attributes.get(ProgramId),
    EpisodeStatus: attributes.get(EpisodeStatus) as Shown['EpisodeStatus'],
    RiskLevel: attributes.get(RiskLevel) as Shown['RiskLevel'],
    ClientId: attributes.get(ClientId),
    LevelSince: since?.toISOString(),
  };
}

/** Keeps the operator's view current; upserts only the attributes that changed, to keep history short. */
export function operatorView(initial: Shown) {
  let shown = initial;
  return (state: EpisodeState): void => {
    const values = searchAttributeValues(state);
    const keys = { CareLevel, ProgramId, EpisodeStatus, RiskLevel, ClientId } as const;
    const updates: SearchAttributeUpdatePair[] = [];
    for (const [name, key] of Object.entries(keys) as [
      keyof typeof keys,
      (typeof keys)[keyof typeof keys],
    ][]) {
      if (shown[name] !== values[name]) updates.push({ key, value: values[name] });
    }
    if (shown.LevelSince !== values.LevelSince)
      updates.push({ key: LevelSince, value: new Date(values.LevelSince) });
    if (updates.length > 0) upsertSearchAttributes(updates);
    shown = values;
    setCurrentDetails(currentDetails(state));
  };
}

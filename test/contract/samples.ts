import type { EffectBatch, OutboxChunk } from '../../activities/effects';
import { getProgram } from '../../programs';
import { effectBatch } from '../../workflows/effect-routing';
import type { PublishedEffectType } from '../../schemas/contract';
import type { Effect } from '../../schemas';
import { staff } from '../../testkit/fixtures';

const at = '2025-02-03T10:00:00.000Z';
const episodeId = 'ep-admission-1';
const id = (n: number) => `${episodeId}:${n}`;

/** One effect of every published type, as the workflow would emit them for one episode in full-continuum. */
export const sampleEffects = {
  'level-changed': {
    effectId: id(1),
    at,
    type: 'level-changed',
    from: 'iop',
    to: 'php',
    reasonCode: 'relapse',
    rule: 'relapse-step-up',
    actor: staff.coordinator,
  },
  'proposal-opened': {
    effectId: id(2),
    at,
    type: 'proposal-opened',
    proposal: {
      proposalId: 'proposal-1',
      rule: 'relapse-step-up',
      reasonCode: 'relapse',
      action: { type: 'level-change', from: 'iop', to: 'php' },
      openedBy: staff.coordinator,
      openedAt: at,
      deadline: '2025-02-04T10:00:00.000Z',
      approverRole: 'clinical-supervisor',
      escalateTo: 'case-manager',
      escalated: false,
    },
  },
  'proposal-decided': {
    effectId: id(3),
    at,
    type: 'proposal-decided',
    proposalId: 'proposal-1',
    decision: 'approved',
    reasonCode: 'relapse',
    actor: staff.coordinator,
  },
  'episode-started': {
    effectId: id(14),
    at,
    type: 'episode-started',
    level: 'detox',
    cohortId: null,
    actor: staff.coordinator,
  },
  'episode-ended': {
    effectId: id(4),
    at,
    type: 'episode-ended',
    dischargeKind: 'completed',
    level: 'outpatient',
    reasonCode: 'program-completed',
    rule: 'discharge-request',
    actor: staff.coordinator,
  },
  'weekly-hours-below-target': {
    effectId: id(5),
    at,
    type: 'weekly-hours-below-target',
    level: 'iop',
    weekStart: '2025-01-27T08:00:00.000Z',
    attendedHours: 6,
    targetHours: 9,
    floorHours: 9,
    attendedSessions: 2,
    belowFloor: true,
    weekEnd: '2025-02-03T08:00:00.000Z',
    weekCount: 1,
  },
  'weekly-hours-corrected': {
    effectId: id(5),
    at,
    type: 'weekly-hours-corrected',
    level: 'iop',
    weekStart: '2025-01-27T08:00:00.000Z',
    weekEnd: '2025-02-03T08:00:00.000Z',
    attendedHours: 9,
    attendedSessions: 3,
    targetHours: 9,
    floorHours: 9,
    belowTarget: false,
    belowFloor: false,
  },
  'authorization-expiring': {
    effectId: id(6),
    at,
    type: 'authorization-expiring',
    authorizationRef: 'auth-1',
    trigger: 'units-low',
    remainingUnits: 2,
    endDate: '2025-03-01',
  },
  'measurement-past-threshold': {
    effectId: id(7),
    at,
    type: 'measurement-past-threshold',
    instrument: 'PHQ-9',
    score: 21,
    threshold: 20,
  },
  'clinical-review-requested': {
    effectId: id(8),
    at,
    type: 'clinical-review-requested',
    reasonCode: 'missed-sessions',
    level: 'iop',
  },
  'sobriety-date-reset': { effectId: id(9), at, type: 'sobriety-date-reset', sobrietyDate: '2025-02-03' },
  'cohort-assigned': { effectId: id(10), at, type: 'cohort-assigned', cohortId: 'women-adult' },
  'staff-notification': {
    effectId: id(11),
    at,
    type: 'staff-notification',
    recipientRole: 'primary-counsellor',
    severity: 'warning',
    code: 'positive-drug-test',
  },
  'follow-up-task': {
    effectId: id(12),
    at,
    type: 'follow-up-task',
    assigneeRole: 'case-manager',
    code: 'no-show-follow-up',
    dueAt: '2025-02-04T10:00:00.000Z',
  },
  billing: {
    effectId: id(13),
    at,
    type: 'billing',
    serviceDay: '2025-02-03',
    level: 'iop',
    serviceCode: 'S9480',
    revenueCode: '0906',
    units: 1,
    authorizationRef: 'auth-1',
  },
} satisfies { [T in PublishedEffectType]: Extract<Effect, { type: T }> };

export const batchOf = (...effects: Effect[]): EffectBatch & Pick<OutboxChunk, 'billing'> =>
  effectBatch(
    { clientId: 'client-1', episodeId, programId: 'full-continuum' },
    getProgram('full-continuum'),
    effects,
  );

import type {
  Actor,
  Effect,
  EpisodeState,
  NotificationCode,
  ProgramDefinition,
  StaffRole,
  Timer,
  TimerKind,
} from '../schemas';
import { deriveRiskLevel } from './risk';

type WithoutIdentity<E> = E extends Effect ? Omit<E, 'effectId' | 'at'> : never;
/** An effect as a rule writes it; the draft adds its deterministic id and the decision time. */
export type EffectBody = WithoutIdentity<Effect>;

export interface Decision {
  state: EpisodeState;
  effects: Effect[];
}

/**
 * The working copy of one decision: the state so far and the effects emitted, each effect
 * numbered from the sequence kept in state so a replay produces the same ids.
 */
export class DecisionDraft {
  private readonly emitted: Effect[] = [];

  constructor(
    public state: EpisodeState,
    readonly program: ProgramDefinition,
    /** When the decision happens: the event's occurredAt, or `now` for commands and timers. */
    readonly at: string,
    /** Who caused the decision; rules that fire inside it act on this actor's behalf. */
    readonly actor: Actor,
  ) {}

  update(patch: Partial<EpisodeState>): void {
    this.state = { ...this.state, ...patch };
  }

  /** The id the next emitted effect will get. */
  nextEffectId(): string {
    return `${this.state.episodeId}:${this.state.effectSequence + 1}`;
  }

  emit(body: EffectBody): void {
    const effectId = this.nextEffectId();
    this.update({ effectSequence: this.state.effectSequence + 1 });
    this.emitted.push({ ...body, effectId, at: this.at });
  }

  /** Notifies whoever the program names for this code; a code mapped to null notifies nobody. */
  notify(code: NotificationCode): void {
    const target = this.program.notifications[code];
    if (target) this.emit({ type: 'staff-notification', code, ...target });
  }

  notifyRole(recipientRole: StaffRole, code: 'approval-waiting' | 'approval-overdue'): void {
    this.emit({
      type: 'staff-notification',
      recipientRole,
      code,
      severity: code === 'approval-overdue' ? 'urgent' : 'warning',
    });
  }

  armTimer(kind: TimerKind, fireAt: string, subject: string | null = null): void {
    const timerId = subject === null ? `${kind}:${fireAt}` : `${kind}:${subject}:${fireAt}`;
    if (this.state.timers.some((t) => t.timerId === timerId)) return;
    this.update({ timers: [...this.state.timers, { timerId, kind, fireAt, subject }] });
    this.emit({ type: 'arm-timer', timerId, kind, fireAt });
  }

  cancelTimers(matches: (timer: Timer) => boolean): void {
    const cancelled = this.state.timers.filter(matches);
    if (cancelled.length === 0) return;
    this.update({ timers: this.state.timers.filter((t) => !matches(t)) });
    for (const timer of cancelled) this.emit({ type: 'cancel-timer', timerId: timer.timerId });
  }

  done(): Decision {
    return {
      state: { ...this.state, riskLevel: deriveRiskLevel(this.state, this.program) },
      effects: this.emitted,
    };
  }
}

import type { ParseArgsConfig } from 'node:util';
import type {
  admissionAnswer,
  caseloadAnswer,
  episodeState,
  eventAccepted,
  historyAnswer,
  outcomeAnswer,
  programAnswer,
  programListAnswer,
  transitionAnswer,
  weeksAnswer,
} from '../api/route-schemas';
import { callApi, type ApiTarget } from './api-client';
import { eventFields, UsageError } from './event-fields';
import { importColumns, importFile, renderImportReport } from './import';
import {
  type Answer,
  renderCaseload,
  renderHistory,
  renderOutcome,
  renderProgram,
  renderPrograms,
  renderState,
  renderWeeks,
} from './render';

type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

export interface Command {
  usage: string;
  summary: string;
  /** Positional argument names, in order; a trailing `...` takes the rest. */
  positionals: readonly string[];
  options: Options;
  optionHelp: readonly (readonly [string, string])[];
  run(
    target: ApiTarget,
    args: string[],
    values: Values,
    /** Where a long command reports progress (stderr), apart from its answer. */
    progress: (text: string) => void,
  ): Promise<{ body: unknown; text: string; refused?: boolean }>;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const required = (values: Values, name: string): string => {
  const value = text(values[name]);
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
};
const path = (...segments: string[]) => `/v1/clients/${segments.map(encodeURIComponent).join('/')}`;
const write = (values: Values) => ({ idempotencyKey: text(values['idempotency-key']) });
const idempotency = { 'idempotency-key': { type: 'string' } } as const;
const idempotencyHelp = [
  '--idempotency-key K',
  'repeat a write safely: the API returns the first answer',
] as const;

// The API validates its answers against the routes' schemas; the CLI reads them as those types.

export const commands: Readonly<Record<string, Command>> = {
  admit: {
    usage: 'admit <clientId> --program <programId> --level <level> [intake options]',
    summary: 'Admit a client to a program at the level the intake recommends',
    positionals: ['clientId'],
    options: {
      program: { type: 'string' },
      level: { type: 'string' },
      age: { type: 'string' },
      gender: { type: 'string' },
      'withdrawal-risk': { type: 'boolean' },
      'co-occurring': { type: 'boolean' },
      'stand-alone': { type: 'string' },
      'stepping-down-from': { type: 'string' },
      'drug-test-done': { type: 'boolean' },
      'physical-exam-done': { type: 'boolean' },
      'sobriety-date': { type: 'string' },
      'prescribed-hours': { type: 'string' },
      ...idempotency,
    },
    optionHelp: [
      ['--program ID', 'program to admit to (e.g. step-down-iop)'],
      ['--level LEVEL', 'recommended level: detox, residential, php, iop, outpatient'],
      ['--age N', 'age in years (required)'],
      ['--gender G', 'female, male, nonbinary or unspecified (default unspecified)'],
      ['--withdrawal-risk', 'the intake found a withdrawal risk'],
      ['--co-occurring', 'a co-occurring mental illness was found'],
      ['--stand-alone LIST', 'comma-separated stand-alone indications'],
      ['--stepping-down-from L', 'the level the client steps down from'],
      ['--drug-test-done', 'an intake drug test was done'],
      ['--physical-exam-done', 'an intake physical exam was done'],
      ['--sobriety-date DATE', 'sobriety date, YYYY-MM-DD'],
      ['--prescribed-hours N', 'weekly hours prescribed at the level, within its floor and ceiling'],
      idempotencyHelp,
    ],
    async run(target, [clientId = ''], values) {
      const age = Number(required(values, 'age'));
      const prescribed = text(values['prescribed-hours']);
      const { body } = await callApi(target, 'POST', path(clientId, 'episodes'), {
        ...write(values),
        body: {
          programId: required(values, 'program'),
          recommendedLevel: required(values, 'level'),
          intake: {
            ageYears: age,
            gender: text(values.gender) ?? 'unspecified',
            withdrawalRisk: values['withdrawal-risk'] === true,
            coOccurringMentalIllness: values['co-occurring'] === true,
            standAloneIndications: text(values['stand-alone'])?.split(',').filter(Boolean) ?? [],
            steppingDownFrom: text(values['stepping-down-from']) ?? null,
            drugTestDone: values['drug-test-done'] === true,
            physicalExamDone: values['physical-exam-done'] === true,
            sobrietyDate: text(values['sobriety-date']) ?? null,
            ...(prescribed === undefined ? {} : { prescribedWeeklyHours: Number(prescribed) }),
          },
        },
      });
      const a = body as Answer<typeof admissionAnswer>;
      return {
        body,
        text: `Admitted ${a.clientId} to ${a.programId} at ${a.level} (workflow ${a.workflowId}).`,
      };
    },
  },

  event: {
    usage: 'event <clientId> <type> [field=value ...] [--wait]',
    summary: 'Record what happened, e.g. `event c-1 session-attended sessionId=s-1 kind=group hours=3`',
    positionals: ['clientId', 'type', 'field=value...'],
    options: { wait: { type: 'boolean' }, ...idempotency },
    optionHelp: [
      ['--wait', 'wait until the journey applied the event and show the outcome'],
      ['field=value', "the event's fields (see /docs, ClientEventBody); occurredAt defaults to now"],
      idempotencyHelp,
    ],
    async run(target, [clientId = '', type = '', ...pairs], values) {
      const wait = values.wait === true;
      const { body } = await callApi(
        target,
        'POST',
        `${path(clientId, 'events')}${wait ? '?wait=true' : ''}`,
        {
          ...write(values),
          body: { type, ...eventFields(type, pairs) },
        },
      );
      return {
        body,
        text: wait
          ? renderOutcome(`Recorded ${type}.`, body as Answer<typeof outcomeAnswer>)
          : `Recorded ${type} as ${(body as Answer<typeof eventAccepted>).eventId}.`,
      };
    },
  },

  transition: {
    usage: 'transition <clientId> <targetLevel> --reason <reasonCode> [--override <reasonCode>]',
    summary: 'Request a change of level of care',
    positionals: ['clientId', 'targetLevel'],
    options: { reason: { type: 'string' }, override: { type: 'string' }, ...idempotency },
    optionHelp: [
      ['--reason CODE', 'why, as a reason code (e.g. needs-more-structure)'],
      ['--override CODE', "why a step-down comes before the level's typical stay"],
      idempotencyHelp,
    ],
    async run(target, [clientId = '', targetLevel = ''], values) {
      const override = typeof values.override === 'string' ? { overrideReasonCode: values.override } : {};
      const { body } = await callApi(target, 'POST', path(clientId, 'transitions'), {
        ...write(values),
        body: { targetLevel, reasonCode: required(values, 'reason'), ...override },
      });
      const a = body as Answer<typeof transitionAnswer>;
      const headline = a.proposal
        ? `Proposal ${a.proposal.proposalId} opened: ${targetLevel} awaits approval by ${a.proposal.approverRole}.`
        : `${clientId} is now at ${a.state.level}.`;
      return { body, text: renderOutcome(headline, a) };
    },
  },

  approve: {
    usage: 'approve <clientId> <proposalId>',
    summary: 'Approve a pending proposal',
    positionals: ['clientId', 'proposalId'],
    options: { ...idempotency },
    optionHelp: [idempotencyHelp],
    async run(target, [clientId = '', proposalId = ''], values) {
      const { body } = await callApi(target, 'POST', path(clientId, 'proposals', proposalId, 'approve'), {
        ...write(values),
        body: {},
      });
      return { body, text: renderOutcome(`Approved ${proposalId}.`, body as Answer<typeof outcomeAnswer>) };
    },
  },

  reject: {
    usage: 'reject <clientId> <proposalId> --reason <reasonCode>',
    summary: 'Reject a pending proposal',
    positionals: ['clientId', 'proposalId'],
    options: { reason: { type: 'string' }, ...idempotency },
    optionHelp: [['--reason CODE', 'why, as a reason code (e.g. clinical-judgement)'], idempotencyHelp],
    async run(target, [clientId = '', proposalId = ''], values) {
      const { body } = await callApi(target, 'POST', path(clientId, 'proposals', proposalId, 'reject'), {
        ...write(values),
        body: { reasonCode: required(values, 'reason') },
      });
      return { body, text: renderOutcome(`Rejected ${proposalId}.`, body as Answer<typeof outcomeAnswer>) };
    },
  },

  discharge: {
    usage: 'discharge <clientId> --kind <kind> --reason <reasonCode>',
    summary: "End the client's open episode",
    positionals: ['clientId'],
    options: { kind: { type: 'string' }, reason: { type: 'string' }, ...idempotency },
    optionHelp: [
      ['--kind KIND', 'completed, left-against-advice, administrative, transferred, lost-to-follow-up, …'],
      ['--reason CODE', 'why, as a reason code (e.g. program-completed)'],
      idempotencyHelp,
    ],
    async run(target, [clientId = ''], values) {
      const { body } = await callApi(target, 'POST', path(clientId, 'discharge'), {
        ...write(values),
        body: { kind: required(values, 'kind'), reasonCode: required(values, 'reason') },
      });
      return { body, text: renderOutcome(`Discharged ${clientId}.`, body as Answer<typeof outcomeAnswer>) };
    },
  },

  show: {
    usage: 'show <clientId>',
    summary: "A client's current episode: level, risk, this week, pending proposals",
    positionals: ['clientId'],
    options: {},
    optionHelp: [],
    async run(target, [clientId = '']) {
      const { body } = await callApi(target, 'GET', path(clientId));
      return { body, text: renderState(body as Answer<typeof episodeState>) };
    },
  },

  history: {
    usage: 'history <clientId>',
    summary: 'Level-of-care history with who, when and why',
    positionals: ['clientId'],
    options: {},
    optionHelp: [],
    async run(target, [clientId = '']) {
      const { body } = await callApi(target, 'GET', path(clientId, 'history'));
      return { body, text: renderHistory(body as Answer<typeof historyAnswer>) };
    },
  },

  weeks: {
    usage: 'weeks <clientId>',
    summary: "Recent weeks and this one in the clinic's time zone: hours, sessions, target, floor, flags",
    positionals: ['clientId'],
    options: {},
    optionHelp: [],
    async run(target, [clientId = '']) {
      const { body } = await callApi(target, 'GET', path(clientId, 'weeks'));
      return { body, text: renderWeeks(body as Answer<typeof weeksAnswer>) };
    },
  },

  list: {
    usage:
      'list [--level L] [--program P] [--risk R] [--status S] [--awaiting-approval] [--below-floor] [--sort F] [--order O] [--page-size N] [--cursor C]',
    summary: 'The caseload, filtered and sorted',
    positionals: [],
    options: {
      level: { type: 'string' },
      program: { type: 'string' },
      risk: { type: 'string' },
      status: { type: 'string' },
      'awaiting-approval': { type: 'boolean' },
      'below-floor': { type: 'boolean' },
      sort: { type: 'string' },
      order: { type: 'string' },
      'page-size': { type: 'string' },
      cursor: { type: 'string' },
    },
    optionHelp: [
      ['--level L', 'only clients at this level'],
      ['--program P', 'only this program'],
      ['--risk R', 'low, medium or high'],
      ['--status S', 'active or discharged'],
      ['--awaiting-approval', 'only clients with a proposal awaiting approval'],
      ['--below-floor', "only clients below this clinic week's floor so far"],
      ['--sort F', 'levelSince, clientId or risk'],
      ['--order O', 'asc (default) or desc'],
      ['--page-size N', '1-100 (default 25)'],
      ['--cursor C', 'the next page, as printed under the table'],
    ],
    async run(target, _args, values) {
      const query = new URLSearchParams();
      for (const [option, parameter] of [
        ['level', 'level'],
        ['program', 'program'],
        ['risk', 'risk'],
        ['status', 'status'],
        ['sort', 'sort'],
        ['order', 'order'],
        ['page-size', 'pageSize'],
        ['cursor', 'cursor'],
      ] as const) {
        const value = text(values[option]);
        if (value) query.set(parameter, value);
      }
      if (values['awaiting-approval'] === true) query.set('awaitingApproval', 'true');
      if (values['below-floor'] === true) query.set('belowFloor', 'true');
      const { body } = await callApi(target, 'GET', `/v1/clients?${query.toString()}`);
      return { body, text: renderCaseload(body as Answer<typeof caseloadAnswer>) };
    },
  },

  'program list': {
    usage: 'program list',
    summary: 'The programs clients can be admitted to, with their versions',
    positionals: [],
    options: {},
    optionHelp: [],
    async run(target) {
      const { body } = await callApi(target, 'GET', '/v1/programs');
      return { body, text: renderPrograms(body as Answer<typeof programListAnswer>) };
    },
  },

  'program show': {
    usage: 'program show <programId>',
    summary: "One program's versions and the levels each offers",
    positionals: ['programId'],
    options: {},
    optionHelp: [],
    async run(target, [programId = '']) {
      const { body } = await callApi(target, 'GET', `/v1/programs/${encodeURIComponent(programId)}`);
      return { body, text: renderProgram(body as Answer<typeof programAnswer>) };
    },
  },

  import: {
    usage: 'import <clients.csv>',
    summary: 'Import clients already in care from a CSV file (one per row); running it again changes nothing',
    positionals: ['file'],
    options: {},
    optionHelp: [
      ['clients.csv', `columns (header row): ${importColumns.join(',')}`],
      ['', 'progress (n/N) goes to stderr; the report of what was refused and why to stdout'],
    ],
    async run(target, [file = ''], _values, progress) {
      const reports = await importFile(target, file, progress);
      return {
        body: { rows: reports },
        text: renderImportReport(file, reports),
        refused: reports.some((r) => r.outcome === 'refused'),
      };
    },
  },

  'program move': {
    usage: 'program move <clientId> --reason <reasonCode> [--version N]',
    summary: "Move a client's episode to a newer version of its program (the latest by default)",
    positionals: ['clientId'],
    options: { version: { type: 'string' }, reason: { type: 'string' }, ...idempotency },
    optionHelp: [
      ['--version N', 'the version to move to (default: the latest loaded)'],
      ['--reason CODE', 'why, as a reason code (e.g. clinical-judgement)'],
      idempotencyHelp,
    ],
    async run(target, [clientId = ''], values) {
      const version = text(values.version);
      if (version !== undefined && !/^[1-9]\d*$/.test(version))
        throw new UsageError(`--version expects a version number, got '${version}'`);
      const { body } = await callApi(target, 'POST', path(clientId, 'program-version'), {
        ...write(values),
        body: {
          reasonCode: required(values, 'reason'),
          ...(version !== undefined && { version: Number(version) }),
        },
      });
      const answer = body as Answer<typeof outcomeAnswer>;
      const change = answer.state.programVersionChanges?.at(-1);
      return {
        body,
        text: renderOutcome(
          change
            ? `${clientId} now follows version ${change.toVersion} (was ${change.fromVersion}).`
            : `${clientId} unchanged.`,
          answer,
        ),
      };
    },
  },
};

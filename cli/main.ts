import { parseArgs } from 'node:util';
import { ApiRefused, ApiUnreachable, type Problem } from './api-client';
import { commands } from './commands';
import { UsageError } from './event-fields';
import { addToken, createTokenEntry, listTokens, revokeTokens, tokensFilePath } from './token';
import { CsvError } from './csv';
import { TokensFileError } from '../api/tokens';
import { ConfigError } from '../config';
import { ProgramDefinitionError } from '../programs/parse';
import { loadProgramFile } from '../programs/load';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** 1: the API refused (4xx); 2: the command line is wrong; 3: the API is unreachable or failed (5xx). */
export const exitCode = { ok: 0, refused: 1, usage: 2, unavailable: 3 } as const;

const defaultApiUrl = 'http://127.0.0.1:3000';

const globalOptions = {
  api: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const globalHelp = [
  ['--api URL', `the API's address (default $CAREPATH_API_URL, else ${defaultApiUrl})`],
  ['--token T', 'bearer token (default $CAREPATH_TOKEN)'],
  ['--json', "print the API's JSON answer instead of a table"],
  ['-h, --help', 'this help'],
] as const;

const helpLines = (pairs: readonly (readonly [string, string])[]) => {
  const width = Math.max(...pairs.map(([flag]) => flag.length));
  return pairs.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`).join('\n');
};

function overview(): string {
  const names = [...Object.keys(commands), 'token', 'program validate'];
  const width = Math.max(...names.map((n) => n.length));
  return [
    'carepath: the coordinator API from the command line',
    '',
    'Usage: carepath <command> [arguments] [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    `  ${'token'.padEnd(width)}  Add, list or revoke staff tokens in the tokens file (administrators)`,
    `  ${'program validate'.padEnd(width)}  Check a program file before it goes into the programs directory`,
    '',
    'Options for every command:',
    helpLines(globalHelp),
    '',
    'Run `carepath <command> --help` for its arguments.',
  ].join('\n');
}

const tokenHelp = [
  'Usage: carepath token add --staff-id <id> --role <coordinator|clinician|viewer> [--staff-role <role>] [--programs a,b]',
  '       carepath token list',
  '       carepath token revoke (--staff-id <id> | --sha256 <prefix>)',
  '       carepath token --staff-id <id> --role <role>   (print a token and its entry, file untouched)',
  '',
  'Edits the tokens file the API reads (--file, else $CAREPATH_API_TOKENS_FILE, else the local',
  "data dir's); the running API picks changes up within a second, no restart. The file holds the",
  'sha256 of each token only: a new token is printed once and stored nowhere.',
  '',
  helpLines([
    ['--staff-id ID', 'the staff member the token identifies'],
    ['--role R', 'coordinator, clinician or viewer'],
    ['--staff-role R', 'clinical role to act as (default: care-coordinator, primary-counsellor)'],
    ['--programs a,b', 'program ids whose clients the token sees (default: every program)'],
    ['--sha256 PREFIX', 'revoke the token whose hash starts so (see `token list`)'],
    ['--file PATH', 'the tokens file to edit'],
    ['--json', 'print the answer as JSON'],
  ]),
].join('\n');

/** `carepath token [add|list|revoke]`: needs no running API, only the tokens file. */
async function tokenCommand(args: readonly string[], io: CliIo): Promise<number> {
  const sub = args[0] !== undefined && !args[0].startsWith('-') ? args[0] : undefined;
  const { values } = parseArgs({
    args: sub ? args.slice(1) : args,
    options: {
      'staff-id': { type: 'string' },
      role: { type: 'string' },
      'staff-role': { type: 'string' },
      programs: { type: 'string' },
      sha256: { type: 'string' },
      file: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.out(tokenHelp);
    return exitCode.ok;
  }
  const print = (answer: unknown, text: string) =>
    io.out(values.json ? JSON.stringify(answer, null, 2) : text);
  switch (sub) {
    case undefined: {
      const created = createTokenEntry(
        values['staff-id'],
        values.role,
        values['staff-role'],
        values.programs,
      );
      print(
        created,
        `Token (give it to ${created.entry.staffId}; it is not stored anywhere):\n  ${created.token}\n\n` +
          `Add this entry to the "tokens" array of the tokens file (or use \`carepath token add\`):\n  ${JSON.stringify(created.entry)}`,
      );
      return exitCode.ok;
    }
    case 'add': {
      const file = tokensFilePath(io.env, values.file);
      const created = await addToken(file, {
        ...(values['staff-id'] !== undefined && { staffId: values['staff-id'] }),
        ...(values.role !== undefined && { role: values.role }),
        ...(values['staff-role'] !== undefined && { staffRole: values['staff-role'] }),
        ...(values.programs !== undefined && { programs: values.programs }),
      });
      print(
        { ...created, file },
        `Token (give it to ${created.entry.staffId}; it is not stored anywhere):\n  ${created.token}\n\n` +
          `Added to ${file}; the running API accepts it within a second.`,
      );
      return exitCode.ok;
    }
    case 'list': {
      const file = tokensFilePath(io.env, values.file);
      const entries = await listTokens(file);
      print(
        { file, tokens: entries },
        entries.length === 0
          ? `No tokens in ${file}.`
          : entries
              .map(
                (e) =>
                  `${e.staffId}  ${e.role}${e.staffRole ? ` (${e.staffRole})` : ''}  programs: ${e.programs?.join(', ') ?? 'all'}  sha256 ${e.sha256Prefix}…`,
              )
              .join('\n'),
      );
      return exitCode.ok;
    }
    case 'revoke': {
      const file = tokensFilePath(io.env, values.file);
      const revoked = await revokeTokens(file, {
        ...(values['staff-id'] !== undefined && { staffId: values['staff-id'] }),
        ...(values.sha256 !== undefined && { sha256Prefix: values.sha256 }),
      });
      print(
        { file, revoked },
        `Revoked ${revoked.map((r) => `${r.staffId} (sha256 ${r.sha256Prefix}…)`).join(', ')} in ${file}; the running API refuses it within a second.`,
      );
      return exitCode.ok;
    }
    default:
      throw new UsageError(`expected token add, token list or token revoke, not token ${sub}`);
  }
}

function describeProblem(problem: Problem): string {
  const { type: _t, title, status, detail, instance: _i, issues, requestId: _r, ...extensions } = problem;
  const lines = [`error: ${title ?? 'request refused'} (HTTP ${status}): ${detail ?? ''}`.trimEnd()];
  for (const issue of issues ?? [])
    lines.push(`  - ${[issue.location, ...(issue.path ?? [])].filter(Boolean).join('.')}: ${issue.message}`);
  for (const [key, value] of Object.entries(extensions))
    lines.push(`  ${key}: ${Array.isArray(value) ? value.join(', ') || '(none)' : JSON.stringify(value)}`);
  return lines.join('\n');
}

const validateHelp = [
  'Usage: carepath program validate <file>',
  '',
  'Checks a program file as the services will when they load it: prints OK, or each problem on a',
  'line of its own (file:line: JSON path: what to fix) and exits 1. Needs no API.',
].join('\n');

/** `carepath program validate <file>`: local, so a provider checks a file before deploying it. */
function validateProgramFile(args: readonly string[], io: CliIo): number {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(validateHelp);
    return exitCode.ok;
  }
  const [file, ...extra] = args;
  if (file === undefined || extra.length > 0)
    throw new UsageError('expected: carepath program validate <file>');
  try {
    const program = loadProgramFile(file);
    io.out(`OK: ${file} is program ${program.programId}, version ${program.version}.`);
    return exitCode.ok;
  } catch (error) {
    if (!(error instanceof ProgramDefinitionError)) throw error;
    io.err(`${file} is not a valid program; fix:`);
    for (const line of error.problemLines()) io.err(`  ${line}`);
    return exitCode.refused;
  }
}

/** Runs one `carepath` command line; answers its exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // `program list` and the like are one command named by two words.
  const [name, ...rest] =
    argv[0] === 'program' && argv[1] !== undefined && !argv[1].startsWith('-')
      ? [`program ${argv[1]}`, ...argv.slice(2)]
      : argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview());
    return name === undefined ? exitCode.usage : exitCode.ok;
  }
  try {
    if (name === 'token') return await tokenCommand(rest, io);
    if (name === 'program validate') return validateProgramFile(rest, io);
    const command = commands[name];
    if (!command)
      throw new UsageError(
        name.startsWith('program')
          ? `expected one of: ${['program validate', ...Object.keys(commands).filter((n) => n.startsWith('program '))].join(', ')}`
          : `unknown command '${name}'`,
      );
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...globalOptions, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.out(
        [
          `Usage: carepath ${command.usage}`,
          '',
          command.summary,
          ...(command.optionHelp.length ? ['', 'Options:', helpLines(command.optionHelp)] : []),
          '',
          'Options for every command:',
          helpLines(globalHelp),
        ].join('\n'),
      );
      return exitCode.ok;
    }
    const takesRest = command.positionals.at(-1)?.endsWith('...') === true;
    const needed = takesRest ? command.positionals.length - 1 : command.positionals.length;
    if (positionals.length < needed || (!takesRest && positionals.length > needed))
      throw new UsageError(`expected: carepath ${command.usage}`);
    const target = {
      url: values.api ?? io.env.CAREPATH_API_URL ?? defaultApiUrl,
      token: values.token ?? io.env.CAREPATH_TOKEN,
    };
    const answer = await command.run(target, positionals, values, io.err);
    io.out(values.json ? JSON.stringify(answer.body, null, 2) : answer.text);
    return answer.refused ? exitCode.refused : exitCode.ok;
  } catch (error) {
    if (error instanceof ApiRefused) {
      io.err(describeProblem(error.problem));
      if (error.problem.status === 401)
        io.err('  (set CAREPATH_TOKEN or pass --token; `npm start` prints a development token)');
      return (error.problem.status ?? 500) >= 500 ? exitCode.unavailable : exitCode.refused;
    }
    if (error instanceof ApiUnreachable) {
      io.err(`error: ${error.message}`);
      return exitCode.unavailable;
    }
    if (error instanceof TokensFileError || error instanceof ConfigError) {
      io.err(`error: ${error.message}`);
      return exitCode.usage;
    }
    if (error instanceof CsvError) {
      io.err(`error: ${error.message}; nothing was imported.`);
      return exitCode.usage;
    }
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      io.err(`error: ${error.message}\nRun \`carepath ${name} --help\` for usage.`);
      return exitCode.usage;
    }
    throw error;
  }
}

import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect, parseArgs } from 'node:util';
import { z } from 'zod';
import { startLab, type Lab } from '../testkit/lab';
import { startClusterLab } from '../testkit/cluster-lab';
import { drillNames, drills, leadSeconds, type DrillName, type DrillSizes } from './catalog';
import { clusterDeployment, clusterDrill } from './cluster';
import { Harness } from './harness';
import { countsTable, drillAccount, drillLog, noCounts, progressOf, type DrillResult } from './report';

const usage = `npm run drill [-- options]

Runs carepath's reliability drills against a private Temporal and Kafka (never the npm start stack)
and prints what each did and its counts. Exits 1 if any drill fails, 2 on a usage error.

  --only NAME[,NAME]     run only these drills: ${drillNames.join(', ')}
  --clients N            clients per drill (default 40)
  --events N             events per client, the admission included (default 8)
  --kills N              worker-kill: how many SIGKILLs (default 4)
  --kill-every S         worker-kill: seconds the services run, once up, before each kill (default 5)
  --kafka-outage S       kafka-outage: seconds the broker stays down (default 60)
  --kafka-outage-minutes M
                         poison: minutes the broker stays down in the middle of its traffic
                         (default 0: no outage; 30 for the documented full run)
  --temporal-down S      temporal-restart: seconds the server stays down (default 15)
  --bad N                malformed: bad messages mixed into valid traffic (default 1000)
  --seed N               random seed of the scenarios (default: random, printed)
  --settle S             seconds to wait for carepath to finish after the load (default 240)
  --cluster              instead of the drills above, the cluster drill: Temporal as separate services
                         on PostgreSQL and three Kafka brokers, two workers, two bridges and the API;
                         a broker, a history process and a worker are killed in turn under load
                         (first run builds the Temporal server with go install: many minutes)
  --cluster-down S       cluster: seconds each killed process stays down (default 20)
  --help                 this text`;

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const optionsSchema = z.object({
  only: z
    .string()
    .transform((value) => value.split(',').map((name) => name.trim()))
    .pipe(z.array(z.enum(drillNames as [DrillName, ...DrillName[]])).min(1))
    .optional(),
  clients: count(1, 2000).default(40),
  // The journeys remember their last 500 event ids: a redelivery beyond them is no longer recognised.
  events: count(2, 200).default(8),
  kills: count(1, 50).default(4),
  'kill-every': count(1, 600).default(5),
  'kafka-outage': count(1, 900).default(60),
  'kafka-outage-minutes': z.coerce.number().min(0).max(240).default(0),
  'temporal-down': count(1, 900).default(15),
  bad: count(0, 100_000).default(1000),
  seed: count(0, 2 ** 32 - 1).default(() => Math.floor(Math.random() * 2 ** 32)),
  settle: count(10, 3600).default(240),
  cluster: z.boolean().default(false),
  'cluster-down': count(1, 900).default(20),
});

const flags = new Set(['help', 'cluster']);

/** The drills to run and their sizes, or a usage error naming the option and what it accepts. */
export function parseOptions(
  argv: string[],
): { names: DrillName[]; sizes: DrillSizes; cluster: boolean } | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: Object.fromEntries(
      [...Object.keys(optionsSchema.shape), 'help'].map((name) => [
        name,
        { type: flags.has(name) ? 'boolean' : 'string' },
      ]),
    ),
  });
  if (values.help) return 'help';
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success)
    throw new UsageError(
      parsed.error.issues.map((issue) => `--${String(issue.path[0])}: ${issue.message}`).join('\n'),
    );
  const o = parsed.data;
  if (o.cluster && o.only) throw new UsageError('--cluster runs the cluster drill alone: leave out --only');
  return {
    cluster: o.cluster,
    names: o.only ?? drillNames,
    sizes: {
      clients: o.clients,
      events: o.events,
      kills: o.kills,
      killEverySeconds: o['kill-every'],
      kafkaOutageSeconds: o['kafka-outage'],
      poisonKafkaOutageMinutes: o['kafka-outage-minutes'],
      temporalDownSeconds: o['temporal-down'],
      clusterDownSeconds: o['cluster-down'],
      bad: o.bad,
      seed: o.seed,
      settleSeconds: o.settle,
    },
  };
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An error and its causes (a Temporal client error wraps the gRPC status that says why). */
function describeError(error: unknown): string {
  const messages: string[] = [];
  for (let e: unknown = error; e !== undefined && messages.length < 4; e = (e as { cause?: unknown }).cause)
    messages.push(e instanceof Error ? e.message : typeof e === 'string' ? e : inspect(e));
  return messages.join(': ');
}

interface DrillRun {
  name: string;
  run: (harness: Harness) => Promise<DrillResult>;
}

/** Runs the drills one after the other on one lab; a drill that throws counts as failed. */
async function runDrills(runs: readonly DrillRun[], seed: number, harness: Harness) {
  const results: DrillResult[] = [];
  for (const { name, run } of runs) {
    const started = Date.now();
    progressOf(name)('drill started', { seed });
    let result: DrillResult;
    try {
      result = await run(harness);
    } catch (error) {
      result = {
        name,
        did: [],
        counts: noCounts,
        problems: [`the drill could not run: ${describeError(error)}`],
        passed: false,
        seconds: (Date.now() - started) / 1000,
      };
    }
    progressOf(name)(result.passed ? 'drill passed' : 'drill failed', {
      seconds: Math.round(result.seconds),
    });
    process.stdout.write(`${drillAccount(result)}\n\n`);
    results.push(result);
  }
  return results;
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const { names, sizes, cluster } = options;
  const started = Date.now();
  let lab: Lab | undefined;
  let harness: Harness | undefined;
  let interrupted = false;
  let passed = false;
  // A drill stops and starts servers that run detached from this terminal: Ctrl-C must take them down too.
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    drillLog('warn', 'interrupted: stopping the services and the lab', { signal });
    // While the lab is still starting there is nothing to stop yet: main stops it once it is up.
    if (!lab) return;
    // Fire and forget from the signal handler: the process exits once the closing settles, either way.
    void (harness?.close(0) ?? Promise.resolve()).then(() => lab?.close()).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    let runs: DrillRun[];
    if (cluster) {
      const clusterLab = await startClusterLab(progressOf('lab'));
      lab = clusterLab;
      if (interrupted) return 130;
      harness = await Harness.open(lab, progressOf('lab'), clusterDeployment);
      const opts = { ...sizes, downSeconds: sizes.clusterDownSeconds, leadSeconds };
      runs = [{ name: 'cluster', run: (h) => clusterDrill(h, clusterLab, opts) }];
    } else {
      lab = await startLab(progressOf('lab'));
      if (interrupted) return 130;
      harness = await Harness.open(lab, progressOf('lab'));
      runs = names.map((name) => ({ name, run: (h) => drills[name](h, sizes) }));
    }
    const results = await runDrills(runs, sizes.seed, harness);
    passed = results.every((result) => result.passed);
    process.stdout.write(
      `${countsTable(results)}\n\n(a/b: measured/expected; seed ${sizes.seed}; ` +
        `${Math.round((Date.now() - started) / 1000)} s in all)\n`,
    );
    return passed ? 0 : 1;
  } finally {
    // Nothing more is measured: the services need no graceful stop.
    await harness?.close(5000);
    if (lab && !passed) {
      // The servers' and services' logs say what went wrong; the lab's data dir goes with it.
      const kept = mkdtempSync(join(tmpdir(), 'carepath-drill-logs-'));
      cpSync(join(lab.dataDir, 'logs'), kept, { recursive: true });
      process.stdout.write(`The lab's logs are kept in ${kept}\n`);
    }
    await lab?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    drillLog('warn', 'drills could not run', { error: describeError(error) });
    process.exit(1);
  },
);

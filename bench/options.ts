import { z } from 'zod';
import { programs } from '../programs';

/** The benchmarks, in the order they run. */
export const benchmarkNames = ['throughput', 'latency', 'scale', 'long', 'realistic'] as const;
export type BenchmarkName = (typeof benchmarkNames)[number];

/** `--journeys` when not given, per benchmark. */
export const defaultJourneys = { scale: 1000, realistic: 10 } as const;

const count = (min: number, max: number) =>
  z.coerce
    .number({ message: `expected a whole number from ${min} to ${max}` })
    .int(`expected a whole number from ${min} to ${max}`)
    .min(min, `expected a whole number from ${min} to ${max}`)
    .max(max, `expected a whole number from ${min} to ${max}`);

/**
 * `npm run bench` options, each `--name value` (or `--name=value`). Defaults finish the
 * benchmarks in a few minutes on a 2-core machine; the README says how to run the full sizes.
 */
export const benchOptionsSchema = z.object({
  only: z
    .string()
    .transform((value) => value.split(',').map((name) => name.trim()))
    .pipe(
      z.array(z.enum(benchmarkNames, { message: `expected some of ${benchmarkNames.join(', ')}` })).min(1),
    )
    .optional()
    .describe(`some of ${benchmarkNames.join(',')} (default: all)`),
  clients: count(1, 100_000).default(100).describe('throughput: synthetic clients'),
  events: count(2, 500).default(6).describe('throughput: inbound events per client, admission included'),
  concurrency: count(1, 1000).default(20).describe('clients driven at once, on both sides'),
  'latency-clients': count(1, 100_000).default(40).describe('latency: clients, each a stream of probes'),
  probes: count(1, 20)
    .default(3)
    .describe(
      'latency: probes (missed sessions) per client; realistic: inbound events and reads per journey',
    ),
  // One option for both: each counts the journeys open at once, at a default sized for its own run.
  journeys: count(1, 100_000)
    .optional()
    .describe(
      `scale: journeys admitted and held open (default ${defaultJourneys.scale}); realistic: journeys per case, cached and uncached, given months of history (default ${defaultJourneys.realistic})`,
    ),
  months: count(1, 24)
    .default(2)
    .describe("realistic: months of each journey's history, lived before the load"),
  cache: count(2, 100_000)
    .default(4)
    .describe("realistic: the workflows the uncached case's workers cache (below --journeys)"),
  program: z
    .enum(Object.keys(programs) as [string, ...string[]], {
      message: `expected one of ${Object.keys(programs).join(', ')}`,
    })
    .default('milestone-tapered-iop')
    .describe('long: the program walked end to end; realistic: the program the journeys live in'),
  'cpu-prof': z
    .boolean()
    .default(false)
    .describe(
      'a flag: CPU profiles of both workers, per thread, beside the results; long, realistic: of their replays too',
    ),
  replays: count(1, 100)
    .default(3)
    .describe('long, realistic: replays timed after the first (the median is reported)'),
});
export type BenchOptions = z.infer<typeof benchOptionsSchema>;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The usage text, listing every option with its default. */
export function usage(): string {
  const lines = Object.entries(benchOptionsSchema.shape).map(([name, schema]) => {
    const parsed = schema.safeParse(undefined);
    const fallback = parsed.success && parsed.data !== undefined ? ` (default ${String(parsed.data)})` : '';
    return `  --${name.padEnd(16)} ${schema.description ?? ''}${fallback}`;
  });
  return ['usage: npm run bench [-- --name value …]', ...lines].join('\n');
}

/** Options given without a value. */
const flags = new Set(['cpu-prof']);

/** Parses command-line arguments; a UsageError names the option and what is allowed. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const raw: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match?.[1]) throw new UsageError(`unexpected argument '${arg}'\n${usage()}`);
    const name = match[1];
    if (!(name in benchOptionsSchema.shape)) throw new UsageError(`unknown option --${name}\n${usage()}`);
    if (name in raw) throw new UsageError(`option --${name} is given twice`);
    if (flags.has(name)) {
      if (match[2] !== undefined) throw new UsageError(`option --${name} is a flag and takes no value`);
      raw[name] = true;
      continue;
    }
    const value = match[2] ?? argv[++i];
    if (value === undefined || value.startsWith('--'))
      throw new UsageError(`option --${name} needs a value\n${usage()}`);
    raw[name] = value;
  }
  const parsed = benchOptionsSchema.safeParse(raw);
  if (!parsed.success)
    throw new UsageError(
      parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('\n'),
    );
  const options = parsed.data;
  const journeys = options.journeys ?? defaultJourneys.realistic;
  if ((options.only?.includes('realistic') ?? true) && options.cache >= journeys)
    throw new UsageError(
      `--cache ${options.cache} must be below the realistic benchmark's ${journeys} journeys (--journeys), or no journey is ever evicted`,
    );
  return options;
}

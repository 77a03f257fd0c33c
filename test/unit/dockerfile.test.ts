import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compiledEntryPoint } from '../../testkit/services';

/**
 * No Docker engine runs here: this reads the Dockerfile's stages and instructions, and checks that
 * what its runtime stage starts exists in lib/ after `npm run build`.
 */

const root = join(__dirname, '..', '..');
const lines = readFileSync(join(root, 'Dockerfile'), 'utf8')
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const stages = new Map<string, string[]>();
let current: string[] = [];
for (const line of lines) {
  const from = /^FROM\s+(\S+)\s+AS\s+(\S+)$/i.exec(line);
  if (from?.[1] && from[2]) stages.set(from[2], (current = [line]));
  else current.push(line);
}
const stage = (name: string) => {
  const found = stages.get(name);
  if (!found) throw new Error(`the Dockerfile has no stage ${name}`);
  return found;
};
const instruction = (name: string, keyword: string) =>
  stage(name).filter((line) => line.toUpperCase().startsWith(`${keyword} `));
const jsonArguments = (line: string | undefined) =>
  JSON.parse(line?.slice(line.indexOf('[')) ?? '[]') as string[];
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
};

describe('Dockerfile', () => {
  test('builds in stages from a Node 24 LTS image, newer than the lowest Node the package allows', () => {
    expect([...stages.keys()]).toEqual(['build', 'dependencies', 'runtime']);
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(lines.join('\n'))?.[1];
    expect(image).toMatch(/^node:24-bookworm-slim$/);
    for (const [, instructions] of stages) expect(instructions[0]).toMatch(/^FROM \$\{NODE_IMAGE\} AS /);
    // engines says what the development machines run; the image may be newer, never older.
    const lowest = Number(/^>=(\d+)$/.exec(packageJson.engines.node)?.[1]);
    expect(lowest).toBe(20);
    expect(Number(/^node:(\d+)/.exec(image ?? '')?.[1])).toBeGreaterThan(lowest);
  });

  test('the runtime stage holds production dependencies and the build output only, and runs as a non-root user', () => {
    expect(instruction('dependencies', 'RUN').join(' ')).toContain('npm ci --omit=dev');
    const copies = instruction('runtime', 'COPY');
    expect(copies).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^COPY --from=dependencies \/app\/node_modules /),
        expect.stringMatching(/^COPY --from=build \/app\/lib /),
      ]),
    );
    expect(copies).not.toContainEqual(expect.stringMatching(/^COPY \. /));
    const users = instruction('runtime', 'USER');
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^USER (root|0)(:|$)/);
  });

  test('the build stage bundles the workflows; .dockerignore keeps history and local trees out', () => {
    expect(instruction('build', 'RUN')).toContain('RUN npm run build');
    expect(packageJson.scripts.build).toContain('node lib/workers/bundle-workflows.js');
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', 'lib', '.data']));
  });

  test('the entry point, the health check and the workflow bundle it starts with exist in lib/ after the build', async () => {
    const [entryPoint] = jsonArguments(instruction('runtime', 'ENTRYPOINT')[0]).slice(1);
    expect(entryPoint).toBe('lib/workers/production-entry.js');
    compiledEntryPoint('workers/production-entry.js');
    const healthcheck = instruction('runtime', 'HEALTHCHECK')[0] ?? '';
    expect(jsonArguments(healthcheck.slice(healthcheck.indexOf('CMD')))).toEqual([
      'node',
      'lib/workers/healthcheck.js',
    ]);
    compiledEntryPoint('workers/healthcheck.js');
    // The compiled loader looks where the build wrote the bundles, untraced and traced.
    const loader = (await import(compiledEntryPoint('workers/workflow-bundle.js'))) as {
      journeyBundlePath(opts: { traced: boolean }): string;
      prebuiltJourneyBundle(opts: { traced: boolean }): { codePath: string } | undefined;
    };
    for (const [traced, file] of [
      [false, 'journey-workflows.bundle.js'],
      [true, 'journey-workflows.traced.bundle.js'],
    ] as const) {
      const bundle = compiledEntryPoint(file);
      expect(loader.journeyBundlePath({ traced })).toBe(bundle);
      expect(loader.prebuiltJourneyBundle({ traced })).toEqual({ codePath: bundle });
    }
  });
});

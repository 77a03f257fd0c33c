import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiContext } from '../../api/context';
import { appContentSecurityPolicy, serveCoordinatorApp } from '../../api/coordinator-app';
import { answerErrorsAsProblems } from '../../api/error-answers';
import { openApiDocument, operationsOf } from '../../api/openapi-document';
import { appClientDir, operationsModule } from '../../contract/app-client';

describe("the coordinator app's client", () => {
  // Regenerate with `npm run app:client` when these fail: the app must call the API as it is.
  test('its operations list is the one the API describes', async () => {
    const document = await openApiDocument();
    expect(readFileSync(join(appClientDir, 'operations.ts'), 'utf8')).toBe(
      operationsModule(operationsOf(document)),
    );
  });

  test("its generated types are openapi-typescript's output for the API's document", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'carepath-openapi-'));
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(await openApiDocument()));
    const out = join(dir, 'schema.ts');
    execFileSync(
      process.execPath,
      [
        join(__dirname, '..', '..', 'node_modules', 'openapi-typescript', 'bin', 'cli.js'),
        join(dir, 'openapi.json'),
        '-o',
        out,
      ],
      { stdio: 'pipe' },
    );
    expect(readFileSync(join(appClientDir, 'schema.ts'), 'utf8')).toBe(readFileSync(out, 'utf8'));
  }, 60000);
});

async function served(files: Record<string, string> | null) {
  let root: string | null = null;
  if (files) {
    root = mkdtempSync(join(tmpdir(), 'carepath-app-'));
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), content);
    }
  }
  const app = Fastify().withTypeProvider<ZodTypeProvider>();
  answerErrorsAsProblems(app, {} as ApiContext);
  serveCoordinatorApp(app, root);
  await app.ready();
  return app;
}

describe('the API serves the coordinator app under /app/', () => {
  const build = {
    'index.html': '<!doctype html><title>app</title>',
    'assets/index-abc123.js': 'console.log(1)',
    'assets/index-abc123.css': 'body{}',
  };

  test('its files with their content types; hashed assets cached for good, the page revalidated', async () => {
    const app = await served(build);
    const script = await app.inject({ url: '/app/assets/index-abc123.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const css = await app.inject({ url: '/app/assets/index-abc123.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const page = await app.inject({ url: '/app/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toBe(appContentSecurityPolicy);
    expect(appContentSecurityPolicy).not.toMatch(/unsafe/);
    await app.close();
  });

  test("the page for the app's own routes, so a reload keeps the place; /app redirects", async () => {
    const app = await served(build);
    const deep = await app.inject({ url: '/app/clients/client-1042' });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toBe(build['index.html']);
    const bare = await app.inject({ url: '/app' });
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/app/');
    await app.close();
  });

  test('no file outside the build, and a stale asset is a 404 rather than the page', async () => {
    const app = await served(build);
    for (const url of ['/app/../package.json', '/app/%2e%2e/package.json', '/app/assets/index-old.js']) {
      const answer = await app.inject({ url });
      expect(answer.body).not.toContain('"name": "carepath"');
      if (url.includes('index-old')) expect(answer.statusCode).toBe(404);
    }
    await app.close();
  });

  test('without a build, /app/ says how to make one', async () => {
    const app = await served(null);
    const answer = await app.inject({ url: '/app/' });
    expect(answer.statusCode).toBe(404);
    expect(answer.json().detail).toMatch(/npm run build/);
    await app.close();
  });
});

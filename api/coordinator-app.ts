import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiProblem } from './problem';

/** Where the coordinator app is served; its build sets the same base. */
export const appPrefix = '/app/';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The app talks only to this origin and runs only its own files: no inline script or style, no
 * framing, no plugins.
 */
export const appContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface AppFile {
  body: Buffer;
  type: string;
  /** Vite names bundled assets by their content hash: they never change under the same name. */
  immutable: boolean;
}

/** The app's production build (`npm run build` writes it to `lib/app`), found from the package root. */
export function appBuildDir(): string | null {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const built = join(dir, 'lib', 'app');
      return existsSync(join(built, 'index.html')) ? built : null;
    }
    if (dirname(dir) === dir) return null;
  }
}

/** Every file of the build, read once: the set of servable paths is fixed, so no path escapes it. */
function readBuild(root: string): Map<string, AppFile> {
  const files = new Map<string, AppFile>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const key = relative(root, path).split(sep).join('/');
        files.set(key, {
          body: readFileSync(path),
          type: contentTypes[extname(name)] ?? 'application/octet-stream',
          immutable: key.startsWith('assets/'),
        });
      }
    }
  };
  walk(root);
  return files;
}

function send(reply: FastifyReply, file: AppFile) {
  return reply
    .header('content-type', file.type)
    .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('content-security-policy', appContentSecurityPolicy)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .send(file.body);
}

/**
 * Serves the coordinator app under `/app/`: its files, and index.html for every other path so the
 * app's own routes survive a reload. Without a build, `/app/` says how to make one.
 */
export function serveCoordinatorApp(app: FastifyInstance, root: string | null = appBuildDir()): void {
  const files = root ? readBuild(root) : new Map<string, AppFile>();
  const index = files.get('index.html');
  const route = { config: { access: 'public' as const }, schema: { hide: true } };
  app.get('/app', route, (_request, reply) => reply.redirect(appPrefix, 301));
  app.get<{ Params: { '*': string } }>(`${appPrefix}*`, route, (request, reply) => {
    if (!index)
      throw new ApiProblem(
        404,
        'app-not-built',
        'Coordinator app not built',
        'This server has no build of the coordinator app: run `npm run build`, then restart it.',
      );
    const path = request.params['*'];
    const file = files.get(path);
    if (file) return send(reply, file);
    // A missing hashed asset is a stale page asking for an old build: index.html would not parse as one.
    if (path.startsWith('assets/'))
      throw new ApiProblem(
        404,
        'not-found',
        'Not found',
        'This file is not part of the app: reload the page.',
      );
    return send(reply, index);
  });
}

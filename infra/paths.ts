import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The clone's root, found from this file whether it runs from source (ts) or from lib/ (js). */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'carepath'
    )
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No carepath package.json above ${__dirname}`);
    dir = parent;
  }
}

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { contractFiles } from './documents';

/** `npm run contract:generate`: rewrites `contract/` from the zod schemas, removing schemas no longer generated. */
function main() {
  const root = join(process.cwd(), 'contract');
  const files = contractFiles();
  const schemasDir = join(root, 'schemas');
  mkdirSync(schemasDir, { recursive: true });
  for (const name of readdirSync(schemasDir))
    if (!files.has(`schemas/${name}`)) rmSync(join(schemasDir, name));
  for (const [path, content] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  console.log(`contract: wrote ${files.size} files to ${root}`);
}

main();

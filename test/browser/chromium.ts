import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const installCommand = 'apt-get update && apt-get install -y chromium';

/**
 * The system's Chromium (Debian's `chromium` package, or CAREPATH_CHROMIUM): installed here when
 * missing and the tests run as root, otherwise the run stops with the command to install it.
 */
export function systemChromium(): string {
  const configured = process.env.CAREPATH_CHROMIUM;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CAREPATH_CHROMIUM=${configured} does not exist.`);
    return configured;
  }
  const path = '/usr/bin/chromium';
  if (existsSync(path)) return path;
  if (process.getuid?.() !== 0)
    throw new Error(
      `The browser tests need Chromium at ${path}: run \`sudo sh -c '${installCommand}'\` (or set CAREPATH_CHROMIUM to a Chromium binary).`,
    );
  process.stderr.write(`[browser] installing Chromium: ${installCommand}\n`);
  execFileSync('sh', ['-c', installCommand], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return path;
}

export function launchChromium(): Promise<Browser> {
  // Containers run the tests as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: systemChromium(), args: ['--no-sandbox'] });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical violations on the page as it is, as readable lines. axe runs
 * through the DevTools protocol, so the app's Content-Security-Policy stays as strict as served.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(`${axeSource}\n;undefined`);
  const violations = await page.evaluate<AxeViolation[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

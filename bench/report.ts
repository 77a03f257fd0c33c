import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { BenchmarkName, BenchOptions } from './options';
import { ratio } from './stats';

/** What a figure must reach: against the baseline (a ratio) or on its own (an absolute bound). */
export type Target =
  | { kind: 'ratio-at-least' | 'ratio-at-most'; value: number }
  | { kind: 'at-least' | 'at-most' | 'below'; value: number };

/** One row of the table: carepath's figure, the baseline's from the same run, and the target. */
export interface Figure {
  figure: string;
  unit: string;
  carepath: number;
  baseline?: number;
  target?: Target;
  /** Why the row cannot be judged at this size, e.g. a scale run smaller than the target's. */
  notJudged?: string;
}

/** What one benchmark returns: its rows, and the measurements behind them for the JSON file. */
export interface BenchmarkResult {
  figures: Figure[];
  /** Lines printed under the table: where the time went, for finding a bottleneck. */
  notes?: string[];
  details: Record<string, unknown>;
}

export function met(figure: Figure): boolean | undefined {
  const { target } = figure;
  if (!target || figure.notJudged) return undefined;
  const r = ratio(figure.carepath, figure.baseline);
  switch (target.kind) {
    case 'ratio-at-least':
      return r !== undefined && r >= target.value;
    case 'ratio-at-most':
      return r !== undefined && r <= target.value;
    case 'at-least':
      return figure.carepath >= target.value;
    case 'at-most':
      return figure.carepath <= target.value;
    case 'below':
      return figure.carepath < target.value;
    default: {
      const unknown: never = target;
      throw new Error(`Unknown target: ${JSON.stringify(unknown)}`);
    }
  }
}

function targetText(figure: Figure): string {
  const { target, unit } = figure;
  if (!target) return '';
  switch (target.kind) {
    case 'ratio-at-least':
      return `≥ ${target.value}× baseline`;
    case 'ratio-at-most':
      return `≤ ${target.value}× baseline`;
    case 'at-least':
      return `≥ ${formatNumber(target.value)} ${unit}`;
    case 'at-most':
      return `≤ ${formatNumber(target.value)} ${unit}`;
    case 'below':
      return `< ${formatNumber(target.value)} ${unit}`;
    default: {
      const unknown: never = target;
      throw new Error(`Unknown target: ${JSON.stringify(unknown)}`);
    }
  }
}

export function formatNumber(value: number): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** The final table: figure, carepath, baseline, ratio, target, met?. */
export function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => {
    const r = ratio(f.carepath, f.baseline);
    const verdict = met(f);
    return [
      `${f.figure} (${f.unit})`,
      formatNumber(f.carepath),
      f.baseline === undefined ? '—' : formatNumber(f.baseline),
      r === undefined ? '—' : `${r.toFixed(2)}×`,
      targetText(f) || '—',
      f.notJudged ? `n/a: ${f.notJudged}` : verdict === undefined ? '—' : verdict ? 'yes' : 'NO',
    ];
  });
  const header = ['figure', 'carepath', 'baseline', 'ratio', 'target', 'met?'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) =>
        i === 0 || i >= 4 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number),
      )
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The machine the figures were measured on, for the JSON file and the README. */
export function machine() {
  const cores = cpus();
  return {
    cpuModel: cores[0]?.model ?? 'unknown',
    cpus: cores.length,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    os: `${process.platform} ${release()}`,
    loadAverageAtStart: loadavg().map((load) => Number(load.toFixed(2))),
  };
}

/** Where a run's files go: bench-results/<timestamp>.json and, for its logs, bench-results/<timestamp>/. */
export function resultsPath(startedAt: Date): string {
  // Compiled, this file is lib/bench/report.js: the results go beside package.json.
  return join(resolve(__dirname, '..', '..', 'bench-results'), startedAt.toISOString().replace(/[:.]/g, '-'));
}

/** Writes the run's results to bench-results/<timestamp>.json (git-ignored); returns the path. */
export function writeResults(run: {
  startedAt: Date;
  options: BenchOptions;
  machine: ReturnType<typeof machine>;
  results: Partial<Record<BenchmarkName, BenchmarkResult>>;
}): string {
  const file = `${resultsPath(run.startedAt)}.json`;
  mkdirSync(dirname(file), { recursive: true });
  const figures = Object.values(run.results).flatMap((result) =>
    result.figures.map((f) => ({ ...f, ratio: ratio(f.carepath, f.baseline), met: met(f) })),
  );
  writeFileSync(file, `${JSON.stringify({ ...run, figures }, null, 2)}\n`);
  return file;
}

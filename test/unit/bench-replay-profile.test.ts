import type { Profiler } from 'node:inspector';
import { replayPartsLine, replayTimeByPart } from '../../bench/replay-profile';

// A bundle as webpack writes it: each module opens with a `/***/ "path"` line.
const bundle = [
  '(() => {',
  '/***/ "./node_modules/zod/v4/core/schemas.js"',
  'zod line',
  '/***/ "./lib/pathway/attendance.js"',
  'pathway line',
  '/***/ "./node_modules/@temporalio/workflow/lib/internals.js"',
  'sdk line',
].join('\n');

const frame = (id: number, functionName: string, url: string, lineNumber = 0, children: number[] = []) => ({
  id,
  callFrame: { functionName, url, lineNumber, columnNumber: 0, scriptId: '0' },
  children,
});

/** Nodes under a root; each sample lasts until the next, so the last sample's time is its gap. */
function profileOf(nodes: Profiler.ProfileNode[], samples: { id: number; us: number }[]): Profiler.Profile {
  return {
    nodes,
    startTime: 0,
    endTime: samples.reduce((t, s) => t + s.us, 0),
    samples: [...samples.map((s) => s.id), 1],
    timeDeltas: [0, ...samples.map((s) => s.us)],
  };
}

describe('where a replay’s CPU time goes', () => {
  const bundleUrl = '/work/workflow-bundle-0123abcd.js';
  const nodes = [
    frame(1, '(root)', '', 0, [2, 3, 4, 5, 6, 9, 10]),
    frame(2, 'parse', bundleUrl, 2),
    frame(3, 'attend', bundleUrl, 4),
    frame(4, 'activate', bundleUrl, 6),
    frame(5, 'runInContext', ''),
    frame(6, 'init', 'file:///x/node_modules/@temporalio/worker/lib/workflow/vm-shared.js', 0, [7]),
    // Stack capture under the hook: the hook's, not "other".
    frame(7, 'captureLargerStackTrace', 'node:internal/errors', 0, [8]),
    frame(8, 'activate', bundleUrl, 6),
    frame(9, '(garbage collector)', ''),
    frame(10, '(idle)', ''),
  ];
  const profile = profileOf(nodes, [
    { id: 2, us: 4_000 },
    { id: 3, us: 6_000 },
    { id: 4, us: 2_000 },
    { id: 5, us: 8_000 },
    { id: 7, us: 3_000 },
    { id: 8, us: 1_000 },
    { id: 9, us: 2_000 },
    { id: 10, us: 50_000 },
  ]);

  it('charges bundle frames to their module, the promise hook its whole subtree, and leaves idle out', () => {
    const parts = replayTimeByPart(profile, bundle, 2);
    const ms = Object.fromEntries(parts.map((p) => [p.part, p.ms]));
    expect(ms).toEqual({
      'SDK: calls into the workflow context': 4,
      'bundle: care rules (pathway)': 3,
      'bundle: zod': 2,
      'SDK: stack trace per promise': 2,
      'bundle: Temporal SDK': 1,
      'garbage collection': 1,
    });
    // Shares are of busy time (26 ms), idle excluded.
    expect(parts[0]?.share).toBeCloseTo(8 / 26, 5);
    expect(parts.map((p) => p.ms)).toEqual([...parts.map((p) => p.ms)].sort((a, b) => b - a));
  });

  it('says the total per replay and the largest parts', () => {
    const line = replayPartsLine(replayTimeByPart(profile, bundle, 2), 2);
    expect(line).toBe(
      '13 ms CPU per replay: SDK: calls into the workflow context 4 ms (31%), bundle: care rules (pathway) 3 ms (23%)',
    );
  });
});

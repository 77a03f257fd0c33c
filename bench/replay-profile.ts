import type { Profiler, Runtime } from 'node:inspector';
import { round } from './measure';

/**
 * Where a replay's CPU time goes, in the parts that decide what could make it cheaper: the SDK's
 * own fixed costs per call and per promise, the workflow bundle's modules, and the worker around it.
 */
export const replayParts = [
  'SDK: stack trace per promise',
  'SDK: calls into the workflow context',
  'bundle: Temporal SDK',
  'bundle: zod',
  'bundle: care rules (pathway)',
  'bundle: workflows',
  'bundle: schemas',
  'bundle: OpenTelemetry',
  'bundle: other',
  'payload codec',
  'protobuf',
  'SDK: worker',
  'garbage collection',
  'other',
] as const;
export type ReplayPart = (typeof replayParts)[number];

export interface ReplayPartTime {
  part: ReplayPart;
  /** CPU milliseconds per replay. */
  ms: number;
  /** Of the replays' busy CPU time. */
  share: number;
}

/** The bundle's module of each line: webpack opens every module with a `/***\/ "path"` line. */
function bundleModules(code: string): (line: number) => string {
  const starts: { line: number; path: string }[] = [];
  code.split('\n').forEach((text, line) => {
    const opened = /^\/\*\*\*\/ "([^"]+)"/.exec(text);
    if (opened?.[1]) starts.push({ line, path: opened[1] });
  });
  return (line) => {
    let found = '';
    let [lo, hi] = [0, starts.length - 1];
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const start = starts[mid] as { line: number; path: string };
      if (start.line <= line) {
        found = start.path;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

function bundlePart(module: string): ReplayPart {
  if (module.includes('node_modules/zod')) return 'bundle: zod';
  if (
    module.includes('node_modules/@opentelemetry') ||
    /workflows\/(traces|tracing-interceptors)/.test(module)
  )
    return 'bundle: OpenTelemetry';
  if (module.includes('node_modules/@temporalio') || module.includes('node_modules/nexus-rpc'))
    return 'bundle: Temporal SDK';
  if (module.includes('/pathway/')) return 'bundle: care rules (pathway)';
  if (module.includes('/workflows/')) return 'bundle: workflows';
  if (module.includes('/schemas/') || module.includes('/contract/')) return 'bundle: schemas';
  return 'bundle: other';
}

// The SDK's promise hook (vm-shared.js) captures a stack for every promise made in workflow context.
const isPromiseHook = (frame: Runtime.CallFrame) =>
  frame.functionName === 'init' &&
  frame.url.includes('@temporalio/worker') &&
  frame.url.includes('vm-shared');
// Its workflow bundles are named workflow-bundle-<hash>.js, whatever file they came from.
const isBundle = (frame: Runtime.CallFrame) => /workflow-bundle/.test(frame.url);

function framePart(frame: Runtime.CallFrame, moduleAt: (line: number) => string): ReplayPart {
  const { functionName, url } = frame;
  // Node's vm runs each call with a watchdog for the SDK's isolate execution timeout.
  if (functionName === 'runInContext' && url === '') return 'SDK: calls into the workflow context';
  if (isBundle(frame)) return bundlePart(moduleAt(frame.lineNumber));
  if (url.includes('/codec/')) return 'payload codec';
  if (url.includes('@temporalio/proto') || url.includes('protobufjs')) return 'protobuf';
  if (url.includes('@temporalio/')) return 'SDK: worker';
  if (functionName === '(garbage collector)') return 'garbage collection';
  return 'other';
}

/**
 * A CPU profile of `replays` replays split into parts, per replay, largest first. Self time is
 * charged to the frame's part, except that anything under the SDK's promise hook is the hook's.
 */
export function replayTimeByPart(
  profile: Profiler.Profile,
  bundleCode: string,
  replays: number,
): ReplayPartTime[] {
  const moduleAt = bundleModules(bundleCode);
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const underHook = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const node = nodes.get(at);
      if (node && isPromiseHook(node.callFrame)) return true;
    }
    return false;
  };
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // A sample's time is the gap to the next one.
  samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? 0)));
  const byPart = new Map<ReplayPart, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const node = nodes.get(id);
    if (!node || us === 0 || node.callFrame.functionName === '(idle)') continue;
    busyUs += us;
    const part = underHook(id) ? 'SDK: stack trace per promise' : framePart(node.callFrame, moduleAt);
    byPart.set(part, (byPart.get(part) ?? 0) + us);
  }
  return [...byPart]
    .map(([part, us]) => ({ part, ms: round(us / 1000 / replays, 1), share: busyUs ? us / busyUs : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

/** One line for a report: total CPU per replay, then the largest parts. */
export function replayPartsLine(parts: readonly ReplayPartTime[], shown = 6): string {
  const total = round(
    parts.reduce((ms, part) => ms + part.ms, 0),
    0,
  );
  const largest = parts
    .slice(0, shown)
    .map((part) => `${part.part} ${part.ms} ms (${Math.round(part.share * 100)}%)`)
    .join(', ');
  return `${total} ms CPU per replay: ${largest}`;
}

/** With --cpu-prof: where one replay's CPU time went, carepath's and the baseline's. */
export function replayProfileNotes(
  what: string,
  carepath: readonly ReplayPartTime[] | undefined,
  baseline: readonly ReplayPartTime[] | undefined,
): string[] {
  return [
    ...(carepath ? [`${what}: replay profile, carepath: ${replayPartsLine(carepath)}`] : []),
    ...(baseline ? [`${what}: replay profile, baseline: ${replayPartsLine(baseline)}`] : []),
  ];
}

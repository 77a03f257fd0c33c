const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { temporal } = require('@temporalio/proto');
const { Worker, bundleWorkflowCode } = require('@temporalio/worker');
const root = process.cwd();
const { journeyBundleOptions } = require(join(root, 'lib/workers/workflow-bundle'));
const { journeyWorkerTracing } = require(join(root, 'lib/workers/tracing'));
const { carepathDataConverter } = require(join(root, 'lib/codec/data-converter'));
const { createHash } = require('node:crypto');
const testKeyRing = { currentKeyId: 'test-1', keys: new Map([['test-1', createHash('sha256').update('carepath test payload key').digest()]]) };
async function main() {
  const withInterceptors = process.argv[2] === 'with';
  const opts = journeyBundleOptions(join(root, 'lib/workflows'));
  if (!withInterceptors) delete opts.workflowInterceptorModules;
  const { code } = await bundleWorkflowCode({ ...opts, logger: { trace(){}, debug(){}, info(){}, log(){}, warn(){}, error: console.error } });
  const files = process.argv.slice(3);
  const histories = files.map((f) => ({ workflowId: f, history: temporal.api.history.v1.History.decode(readFileSync(join(root, 'test/fixtures/histories', f))) }));
  for await (const r of Worker.runReplayHistories({ workflowBundle: { code }, dataConverter: carepathDataConverter(testKeyRing), sinks: journeyWorkerTracing(undefined).sinks }, histories))
    console.log(r.workflowId, r.error ? String(r.error.message).slice(0, 200) : 'ok');
}
main().catch((e) => { console.error(e); process.exit(1); });

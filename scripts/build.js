#!/usr/bin/env node
// npm run build: compiles src/ to dist/ and bundles the workflow code the production worker loads.
// `--if-stale` (scripts/setup.sh) does nothing when dist/ is current.
import { spawnSync } from 'node:child_process';
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildStamp, repoRoot, staleReason } from '../bin/compiled.js';

// The web view's page script (src/ui/client), bundled for the browser each time: it takes a fraction of a second.
const { build } = await import('esbuild');
await build({
  entryPoints: [join(repoRoot, 'src/ui/client/page.ts')],
  outfile: join(repoRoot, 'dist/ui/page.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  logLevel: 'warning',
});

const stale = staleReason();
if (process.argv.includes('--if-stale') && stale === undefined) {
  console.log('==> compiled code (dist/) up to date');
  process.exit(0);
}
console.log(`==> compiling to dist/ (${stale ?? 'rebuild asked for'})`);
const began = new Date();
// Without the stamp, bin/baton.js runs the sources while dist/ is half written. dist/ itself stays: processes
// started from it (the sandbox's worker) still import from it.
rmSync(buildStamp, { force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compile = spawnSync(process.execPath, [tsc, '-p', join(repoRoot, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compile.status !== 0) {
  console.error(`tsc failed (exit ${compile.status}); bin/baton.js keeps running the sources through tsx`);
  process.exit(1);
}

// Bundled once here, as in the production sample of temporalio/samples-typescript: the worker starts without webpack.
const { workflowsPath, workflowBundlePath } = await import('../dist/worker/workflowsPath.js');
const { bundleWorkflowCode, DefaultLogger } = await import('@temporalio/worker');
const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
writeFileSync(workflowBundlePath, code);

writeFileSync(buildStamp, `${began.toISOString()}\n`);
utimesSync(buildStamp, began, began);
console.log(
  `==> dist/ built in ${((Date.now() - began.getTime()) / 1000).toFixed(1)} s (workflow bundle ${Math.round(code.length / 1024)} KiB)`,
);

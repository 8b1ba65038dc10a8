#!/usr/bin/env node
// Runs the compiled CLI in dist/. When dist/ is missing or older than the sources, runs the sources
// through tsx instead (a slower start), so the CLI never runs stale code.
import { staleReason } from './compiled.js';

const stale = staleReason();
if (stale === undefined) {
  await import('../dist/cli/main.js');
} else {
  // Only people need to hear it: tests and scripts read stderr for the command's own messages.
  if (process.stderr.isTTY)
    process.stderr.write(`baton: ${stale}; running the sources through tsx (slow start). \`npm run build\` compiles them.\n`);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}

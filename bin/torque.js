#!/usr/bin/env node
// The installed entry point. Torque is TypeScript compiled to dist/ by `npm install` (the prepare script).
import('../dist/server/cli.js').then(
  async ({ main }) => {
    process.exitCode = await main(process.argv.slice(2));
  },
  (error) => {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') {
      process.stderr.write('torque: not built yet; run `npm install` (or `npm run build`) in the Torque folder\n');
      process.exitCode = 1;
      return;
    }
    throw error;
  },
);

#!/usr/bin/env node
// The installed entry point. Torque is TypeScript compiled to dist/ by `npm install` (the prepare script).

// The AWS SDK warns on every run under Node 20 that its 2027 releases will need Node 22. Torque pins
// SDK versions in package-lock.json and supports Node 20, so that notice would only clutter stderr,
// which carries prompts and progress. Set the variable to "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
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

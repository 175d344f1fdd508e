/**
 * `torque demo [--port N] [--no-open]`: the web app on the built-in sandbox AWS and throwaway files,
 * so anyone can try Torque without an AWS account (the setup itself is in ../demo.ts).
 */
import { startDemo } from '../demo.js';
import { DEFAULT_PORT, openBrowser, untilStopped } from '../serve.js';
import type { CommandInput } from './io.js';
import { parsePort } from './port.js';

export async function run({ values, io }: CommandInput): Promise<number> {
  const port = parsePort(values['port'], DEFAULT_PORT);
  const demo = await startDemo({ port });
  try {
    io.stdout.write(
      `Torque demo: a sandbox AWS at ${demo.sandbox.endpoint} and throwaway files in ${demo.folder}\n` +
        `Open ${demo.serving.url}\n` +
        `MFA codes are shown on the page (and: ${demo.devices().map((d) => `${d.user} ${d.code}`).join(', ')}). Press Ctrl-C to stop.\n`,
    );
    if (!values['no-open'] && !(await openBrowser(demo.serving.url))) io.stderr.write('torque: could not open a browser; open the link above yourself\n');
    await untilStopped();
    return 0;
  } finally {
    await demo.close();
  }
}

/** `torque serve [--port N] [--no-open]`: the web app on the user's own AWS files. */
import { resolvePaths } from '../files/paths.js';
import { AwsFiles } from '../files/store.js';
import { DEFAULT_PORT, openBrowser, startServer, untilStopped } from '../serve.js';
import { cliAwsClients, rotationTuning } from './aws.js';
import type { CommandInput } from './io.js';
import { parsePort } from './port.js';

export async function run({ values, io }: CommandInput): Promise<number> {
  const port = parsePort(values['port'], DEFAULT_PORT);
  const serving = await startServer({ store: new AwsFiles(resolvePaths(io.env)), aws: cliAwsClients(io.env), port, rotation: rotationTuning(io.env) });
  io.stdout.write(`Torque is running at ${serving.url}\nKeep the link to yourself: it signs a browser in. Press Ctrl-C to stop.\n`);
  if (!values['no-open'] && !(await openBrowser(serving.url))) io.stderr.write('torque: could not open a browser; open the link above yourself\n');
  await untilStopped();
  io.stderr.write('torque: stopping (a rotation under way finishes first)\n');
  await serving.close();
  return 0;
}

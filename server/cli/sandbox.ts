/**
 * `torque sandbox`: serves the sandbox AWS on 127.0.0.1 until SIGINT or SIGTERM. Prints one JSON line
 * with the endpoint, users (secrets included: they are sandbox keys, made for trying things) and roles,
 * so scripts and other tools can start it and read how to reach it.
 */
import { resolve } from 'node:path';
import { TorqueError } from '../errors.js';
import { profileFiles, writeProfiles } from '../sandbox/profiles.js';
import { startSandbox } from '../sandbox/index.js';
import type { CommandInput } from './io.js';

export async function run({ values, io }: CommandInput): Promise<number> {
  const port = whole(values['port'], '--port', 65_535) ?? 0;
  const latencyMs = whole(values['latency'], '--latency', 600_000) ?? 0;
  const propagationMs = whole(values['propagation'], '--propagation', 3_600_000) ?? 0;
  const dir = typeof values['write-profiles'] === 'string' ? resolve(values['write-profiles']) : undefined;
  if (dir === '') throw new TorqueError('USAGE', '--write-profiles needs a folder');

  let sandbox;
  try {
    sandbox = await startSandbox({ port, latencyMs, propagationMs });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? `port ${port} on 127.0.0.1 is taken; choose another with --port, or 0 for any free port` : (error as Error).message;
    io.stderr.write(`torque: cannot start the sandbox: ${why}\n`);
    return 1;
  }
  const stopped = stopSignal();
  try {
    if (dir !== undefined) {
      const paths = await writeProfiles(dir, profileFiles(sandbox));
      io.stderr.write(`Wrote ${paths.credentials} and ${paths.config}; use them with AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE.\n`);
    }
    io.stdout.write(`${JSON.stringify(summary(sandbox))}\n`);
    io.stderr.write(`Sandbox AWS serving at ${sandbox.endpoint}; stop it with Ctrl-C.\n`);
    await stopped.promise;
  } finally {
    stopped.dispose();
    await sandbox.close();
  }
  return 0;
}

/** The documented line (DESIGN.md section 6), field for field. */
function summary(sandbox: Awaited<ReturnType<typeof startSandbox>>) {
  return {
    endpoint: sandbox.endpoint,
    users: sandbox.users.map((u) => ({
      name: u.name,
      accessKeyId: u.accessKeyId,
      secretAccessKey: u.secretAccessKey,
      mfaSerial: u.mfaSerial,
      mfaSeed: u.mfaSeed,
      mfaRequired: u.mfaRequired,
    })),
    roles: sandbox.roles.map((r) => ({ name: r.name, arn: r.arn, mfaRequired: r.mfaRequired })),
  };
}

function whole(value: unknown, option: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) > max) {
    throw new TorqueError('USAGE', `${option} must be a whole number from 0 to ${max}, not "${text}"`);
  }
  return Number(text);
}

/** Resolves on the first SIGINT or SIGTERM; `dispose` removes the handlers again. */
function stopSignal(): { promise: Promise<void>; dispose: () => void } {
  let onSignal = () => {};
  const promise = new Promise<void>((resolve) => (onSignal = () => resolve()));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    promise,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

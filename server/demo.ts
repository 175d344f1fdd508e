/**
 * The demo setup: the sandbox AWS, throwaway AWS files for its users and the web app on them.
 * `torque demo` runs it, and the browser tests run the very same setup in-process so they can read
 * the codes and the files. Nothing here can reach real AWS: every client is pointed at the sandbox.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoDevice } from './app.js';
import { AwsClients } from './aws/clients.js';
import { AwsFiles } from './files/store.js';
import { type Sandbox, startSandbox } from './sandbox/index.js';
import { profileFiles, writeProfiles } from './sandbox/profiles.js';
import { type Serving, startServer } from './serve.js';

/** New keys take a few seconds to work, as in AWS, so the page shows Torque waiting for them. */
export const DEMO_PROPAGATION_MS = 3000;

export interface DemoOptions {
  port: number;
  propagationMs?: number;
  /** Where the sandbox's unexpected errors go (default: stderr). */
  log?: (line: string) => void;
}

export interface Demo {
  sandbox: Sandbox;
  serving: Serving;
  /** The throwaway folder: aws/credentials, aws/config and torque/ (Torque's home). */
  folder: string;
  paths: { credentials: string; config: string };
  /** The sandbox's MFA devices and the code each shows now. */
  devices(): DemoDevice[];
  /** Stops the server (after a running rotation), the sandbox, and removes the folder. */
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions): Promise<Demo> {
  const sandbox = await startSandbox({ propagationMs: options.propagationMs ?? DEMO_PROPAGATION_MS, ...(options.log ? { log: options.log } : {}) });
  const folder = await mkdtemp(join(tmpdir(), 'torque-demo-'));
  const cleanup = async () => {
    await sandbox.close();
    await rm(folder, { recursive: true, force: true });
  };
  try {
    const paths = await writeProfiles(join(folder, 'aws'), profileFiles(sandbox));
    const store = new AwsFiles({ ...paths, torqueHome: join(folder, 'torque') });
    const aws = new AwsClients({ env: { AWS_ENDPOINT_URL: sandbox.endpoint } });
    const devices = () =>
      sandbox.users
        .filter((u) => u.mfaSerial !== null)
        .map((u) => ({
          serial: u.mfaSerial!,
          user: u.name,
          code: sandbox.freshCode(u.mfaSerial!),
          secondsLeft: 30 - (Math.floor(sandbox.clock.now() / 1000) % 30),
        }));
    const serving = await startServer({ store, aws, port: options.port, demo: { devices } });
    return {
      sandbox,
      serving,
      folder,
      paths,
      devices,
      async close() {
        await serving.close();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

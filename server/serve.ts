/**
 * `torque serve` and `torque demo` share this: listen on 127.0.0.1 only, print the token URL, open the
 * browser, and shut down cleanly on Ctrl-C (letting a running rotation finish first).
 */
import type { AwsClients } from './aws/clients.js';
import { type AppDeps, buildApp, type TorqueApp } from './app.js';
import { TorqueError } from './errors.js';
import type { AwsFiles } from './files/store.js';
import { newSecret } from './web/guard.js';

export const DEFAULT_PORT = 7878;

export interface ServeOptions {
  store: AwsFiles;
  aws: AwsClients;
  port: number;
  demo?: AppDeps['demo'];
  log?: AppDeps['log'];
  rotation?: AppDeps['rotation'];
}

export interface Serving {
  app: TorqueApp;
  /** The URL with the launch token: it signs one browser in. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<Serving> {
  const token = newSecret();
  let port = options.port;
  const app = buildApp({
    store: options.store,
    aws: options.aws,
    token,
    port: () => port,
    ...(options.demo ? { demo: options.demo } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.rotation ? { rotation: options.rotation } : {}),
  });
  try {
    // Loopback only: the page can rotate AWS keys, so nothing beyond this machine may reach it.
    await app.listen({ host: '127.0.0.1', port });
  } catch (error) {
    await app.close().catch(() => undefined);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new TorqueError('PORT_IN_USE', `port ${port} on 127.0.0.1 is already in use (another torque serve?); choose another with --port N`, { cause: error });
    }
    throw error;
  }
  const address = app.server.address();
  if (typeof address === 'object' && address) port = address.port;
  return {
    app,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    async close() {
      await app.jobs.settle();
      await app.close();
    },
  };
}

export async function openBrowser(url: string): Promise<boolean> {
  try {
    const { default: open } = await import('open');
    const child = await open(url);
    child.on('error', () => undefined);
    return true;
  } catch {
    return false;
  }
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

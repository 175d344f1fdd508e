/** The AWS clients of a CLI run, with the tuning knobs a user (or a test) can set in the environment. */
import { AwsClients } from '../aws/clients.js';
import { TorqueError } from '../errors.js';

export function numberFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new TorqueError('USAGE', `${name} must be a number of milliseconds, not "${raw}"`);
  return value;
}

export function cliAwsClients(env: NodeJS.ProcessEnv): AwsClients {
  const timeoutMs = numberFromEnv(env, 'TORQUE_AWS_TIMEOUT_MS');
  return new AwsClients({ env, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
}

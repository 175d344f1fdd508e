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

/** How long a rotation waits for a new key to work and keeps trying to retire the old one. */
export function rotationTuning(env: NodeJS.ProcessEnv): { verifyTimeoutMs?: number; retireTimeoutMs?: number } {
  const verifyTimeoutMs = numberFromEnv(env, 'TORQUE_VERIFY_TIMEOUT_MS');
  const retireTimeoutMs = numberFromEnv(env, 'TORQUE_RETIRE_TIMEOUT_MS');
  return { ...(verifyTimeoutMs !== undefined ? { verifyTimeoutMs } : {}), ...(retireTimeoutMs !== undefined ? { retireTimeoutMs } : {}) };
}

/** How long a write waits for another Torque process to release the file. */
export function storeOptions(env: NodeJS.ProcessEnv): { lockWaitMs?: number } {
  const lockWaitMs = numberFromEnv(env, 'TORQUE_LOCK_WAIT_MS');
  return lockWaitMs !== undefined ? { lockWaitMs } : {};
}

import { TorqueError } from '../errors.js';

export function parsePort(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || port > 65535) {
    throw new TorqueError('USAGE', `--port takes a number from 0 to 65535, not "${String(value)}"`);
  }
  return port;
}
